namespace Nightshift.Core.Events.Payloads;

/// <summary>Emitted by the executor when verification kept failing the same way; the remaining rounds use the debugging prompt.</summary>
/// <param name="Round">the round that switched to debugging.</param>
/// <param name="Signature">a stable key of the repeated failure.</param>
/// <param name="Failure">the repeated failure, in words.</param>
/// <param name="FailedRounds">rounds that failed with that signature.</param>
public sealed record VerifyDebugModePayload(
    int Round,
    string Signature,
    string Failure,
    int FailedRounds);
