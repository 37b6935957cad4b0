namespace Nightshift.Agent.Verification;

/// <summary>
/// The verdict on a change. <see cref="Passed"/> holds when every command passed, or when the only failures are tests
/// that already failed on the untouched base (<see cref="PreExistingFailures"/>): those are neither blamed on nor
/// credited to the agent.
/// </summary>
public sealed record VerificationResult(
    bool Passed,
    IReadOnlyList<CommandCheck> Checks,
    IReadOnlySet<string> NewFailures,
    IReadOnlySet<string> PreExistingFailures,
    string Summary)
{
    public bool NothingToRun => Checks.Count == 0;
}
