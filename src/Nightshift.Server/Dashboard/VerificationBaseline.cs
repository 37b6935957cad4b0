namespace Nightshift.Server.Dashboard;

/// <summary>
/// The verification commands' run on the untouched base branch: whether it passed and which tests already failed there.
/// Each attempt runs it again (a task waiting for approval runs it before and after); the page shows the latest once,
/// with <see cref="Runs"/> saying how often it ran.
/// </summary>
internal sealed record VerificationBaseline(IReadOnlyList<string> Commands, bool Passed, IReadOnlyList<string> FailingTests, int Runs)
{
    public TimeSpan? Duration { get; init; }
}
