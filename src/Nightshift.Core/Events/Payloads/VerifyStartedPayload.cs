using System.Text.Json.Serialization;

namespace Nightshift.Core.Events.Payloads;

/// <summary>Emitted by the executor when a verification run starts: the baseline on the untouched base, or a round on the change.</summary>
/// <param name="Baseline">true for the run on the untouched base branch.</param>
/// <param name="Round">the round, 1 for the first; not written for the baseline.</param>
/// <param name="Commands">the verification commands.</param>
public sealed record VerifyStartedPayload(
    bool Baseline,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Round,
    IReadOnlyList<string> Commands);
