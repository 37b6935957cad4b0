namespace Nightshift.Workspaces.Subtasks;

/// <summary>
/// A merge into the task branch that has started and not yet finished, written before the task worktree is touched
/// so a crash part-way can be completed (clean merge, <see cref="Commit"/> set) or undone (conflict) afterwards.
/// </summary>
internal sealed record PendingMerge(string SubtaskId, string Head, string SubtaskCommit, string Tree, IReadOnlyList<string> ConflictedPaths)
{
    /// <summary>The merge commit, for a clean merge; null while conflicts wait for resolution.</summary>
    public string? Commit { get; init; }
}
