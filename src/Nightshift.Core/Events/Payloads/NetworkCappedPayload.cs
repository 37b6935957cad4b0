using System.Text.Json.Serialization;

namespace Nightshift.Core.Events.Payloads;

/// <summary>Emitted by the executor when .nightshift.yml asks for more network in some phases than the operator's Sandbox:Network ceiling (with its organisation and repository levels) allows; those phases run with the ceiling.</summary>
/// <param name="Phases">the phases capped (<c>setup</c>, <c>agent</c>, <c>verify</c>).</param>
/// <param name="Message">what happened, in words for a person.</param>
/// <param name="Caps">per capped phase, what was asked and what it got; absent in events written before allow-lists.</param>
public sealed record NetworkCappedPayload(
    IReadOnlyList<string> Phases,
    string Message,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<NetworkCapEntry>? Caps = null);
