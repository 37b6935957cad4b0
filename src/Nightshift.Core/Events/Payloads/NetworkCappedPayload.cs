namespace Nightshift.Core.Events.Payloads;

/// <summary>Emitted by the executor when .nightshift.yml asks for network in phases the operator's Sandbox:Network ceiling does not allow; those phases run without.</summary>
/// <param name="Phases">the phases refused (<c>setup</c>, <c>agent</c>, <c>verify</c>).</param>
/// <param name="Message">what happened, in words for a person.</param>
public sealed record NetworkCappedPayload(
    IReadOnlyList<string> Phases,
    string Message);
