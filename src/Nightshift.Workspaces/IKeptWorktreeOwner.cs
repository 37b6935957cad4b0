namespace Nightshift.Workspaces;

/// <summary>
/// Tells <see cref="WorkspaceCollector"/> which task worktrees this data folder keeps are no longer its worker's to
/// resume, so they are removed at once rather than after <see cref="WorkspaceOptions.AbandonedWorktreeRetention"/>:
/// the worker that runs tasks (and knows the store) supplies it; without one only the retention applies.
/// </summary>
public interface IKeptWorktreeOwner
{
    /// <summary>
    /// The ids among <paramref name="taskIds"/> whose worktree here is no longer needed: the task ended on another
    /// worker, or runs under another worker's lease. An id it knows nothing about is left out (kept).
    /// </summary>
    Task<IReadOnlySet<string>> FindNotOwnAsync(IReadOnlyCollection<string> taskIds, CancellationToken cancellationToken);
}
