namespace Nightshift.Core.Events.Payloads;

/// <summary>Emitted by the executor after the verification commands ran on the untouched base, so failures that were already there are known.</summary>
/// <param name="Passed">true when every command passed on the base.</param>
/// <param name="FailingTests">tests that already fail on the base (at most 50).</param>
public sealed record VerifyBaselinePayload(
    bool Passed,
    IReadOnlyList<string> FailingTests);
