namespace Nightshift.Agent.Dag;

/// <summary>What the build agent reports for a subtask: a summary of the change, or why it could not be done.</summary>
internal sealed record SubtaskBuildResult(bool Succeeded, string? Summary, string? FailureReason)
{
    public static SubtaskBuildResult Success(string? summary) => new(true, summary, null);

    public static SubtaskBuildResult Failure(string reason) => new(false, null, reason);
}
