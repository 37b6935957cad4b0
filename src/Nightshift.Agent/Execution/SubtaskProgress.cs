namespace Nightshift.Agent.Execution;

/// <summary>A subtask an attempt ran: its fingerprint (so a changed plan does not reuse it), its commit and summary.</summary>
/// <param name="Status">
/// completed, failed, or built (committed in its own worktree, not merged yet); only completed subtasks with an
/// unchanged fingerprint are skipped on resume, and built ones are merged without building them again.
/// </param>
/// <param name="Commit">the task branch's commit holding its work (completed), or null.</param>
internal sealed record SubtaskProgress(string Id, string Fingerprint, string Status, string? Commit, string? Summary)
{
    /// <summary>The subtask's own commit when it was built in a worktree of its own (absent from older checkpoints).</summary>
    public string? SubtaskCommit { get; init; }
}
