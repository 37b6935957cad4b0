namespace Nightshift.Core.Events.Payloads;

/// <summary>Emitted by the executor after a verification round: <c>verify.passed</c> when everything passed, or every remaining failure already failed on the base and was declared out of scope; <c>verify.failed</c> otherwise. With no verification command at all (round 0, <c>skipped</c>), <c>verify.failed</c>, or <c>verify.passed</c> when .nightshift.yml says <c>test: none</c>.</summary>
/// <param name="Round">the round, 1 for the first; 0 when nothing was verified.</param>
/// <param name="Summary">the verdict in words for a person.</param>
/// <param name="NewFailures">tests the change broke (at most 50).</param>
/// <param name="PreExistingFailures">tests that failed on the base and still fail (at most 50).</param>
/// <param name="OutOfScope">pre-existing failures the agent declared out of scope, with its reasons (at most 50).</param>
/// <param name="Skipped">true when there was nothing to run.</param>
public sealed record VerifyVerdictPayload(
    int Round,
    string Summary,
    IReadOnlyList<string> NewFailures,
    IReadOnlyList<string> PreExistingFailures,
    IReadOnlyList<OutOfScopeEntry> OutOfScope,
    bool Skipped);
