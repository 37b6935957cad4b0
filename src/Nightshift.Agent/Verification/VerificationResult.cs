namespace Nightshift.Agent.Verification;

/// <summary>
/// The verdict on a change. <see cref="Passed"/> holds when nothing new broke: every command passed, or the only
/// failures are tests that already failed on the untouched base (<see cref="PreExistingFailures"/>). Those are not
/// blamed on the agent, but not credited either: <see cref="AllPassed"/> tells whether anything still fails, and the
/// executor calls a change a success only when all passed or every remaining one was declared out of scope.
/// </summary>
public sealed record VerificationResult(
    bool Passed,
    IReadOnlyList<CommandCheck> Checks,
    IReadOnlySet<string> NewFailures,
    IReadOnlySet<string> PreExistingFailures,
    string Summary)
{
    public bool NothingToRun => Checks.Count == 0;

    /// <summary>Every command ran and passed: nothing fails, old or new.</summary>
    public bool AllPassed => Checks.Count > 0 && Checks.All(c => c.Passed);
}
