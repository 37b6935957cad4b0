namespace Nightshift.Server.Dashboard;

/// <summary>
/// One verification round on the change, as the task page shows it: what ran, how it ended (passed, failed, skipped,
/// running, or did not finish when the attempt ended first), the failing tests and how long it took.
/// </summary>
internal sealed record VerificationRound(int Round, IReadOnlyList<string> Commands, string Outcome)
{
    public string? Summary { get; init; }

    /// <summary>Null while the round runs, or when its start was not recorded.</summary>
    public TimeSpan? Duration { get; init; }

    public IReadOnlyList<string> NewFailures { get; init; } = [];

    public IReadOnlyList<string> PreExistingFailures { get; init; } = [];

    /// <summary>Pre-existing failures the agent declared out of scope, with its reason.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> OutOfScope { get; init; } = [];
}
