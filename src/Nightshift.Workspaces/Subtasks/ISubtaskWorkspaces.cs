namespace Nightshift.Workspaces.Subtasks;

/// <summary>
/// Worktrees of a task's subtasks and the journalled merges of their commits back into the task branch. Everything
/// runs on Nightshift's own mirror: no hook, filter, merge driver or configuration from the repository takes part.
/// </summary>
public interface ISubtaskWorkspaces
{
    /// <summary>The commit the task branch is at: the last commit or merge Nightshift made, or the base commit.</summary>
    Task<string> CurrentCommitAsync(Workspace task, CancellationToken cancellationToken = default);

    /// <summary>True when <paramref name="commit"/> is the task branch's commit or one of its ancestors.</summary>
    Task<bool> ContainsCommitAsync(Workspace task, string commit, CancellationToken cancellationToken = default);

    /// <summary>True when <paramref name="commit"/> is a commit in the task's mirror.</summary>
    Task<bool> HasCommitAsync(Workspace task, string commit, CancellationToken cancellationToken = default);

    /// <summary>Adds a worktree for a subtask at <paramref name="fromCommit"/> on branch <c>&lt;task branch&gt;--&lt;subtask id&gt;</c>.</summary>
    Task<SubtaskWorkspace> PrepareSubtaskAsync(Workspace task, string subtaskId, string fromCommit, CancellationToken cancellationToken = default);

    /// <summary>Commits every change in the subtask's worktree on its branch; null when nothing changed.</summary>
    Task<CommitResult?> CommitSubtaskAsync(SubtaskWorkspace subtask, CommitRequest request, CancellationToken cancellationToken = default);

    /// <summary>A subtask worktree's change against the commit it was checked out at.</summary>
    Task<string> DiffSubtaskAsync(SubtaskWorkspace subtask, CancellationToken cancellationToken = default);

    /// <summary>Removes a subtask's worktree, its git bookkeeping, its branch and its record. Removing twice does nothing.</summary>
    Task RemoveSubtaskAsync(SubtaskWorkspace subtask, CancellationToken cancellationToken = default);

    /// <summary>Removes every subtask worktree of <paramref name="task"/>.</summary>
    Task RemoveSubtasksAsync(Workspace task, CancellationToken cancellationToken = default);

    /// <summary>Merges a subtask's commit into the task branch: at once when clean, pending with markers in the task worktree when conflicted.</summary>
    Task<SubtaskMergeResult> MergeSubtaskAsync(Workspace task, string subtaskId, string subtaskCommit, CommitRequest request, CancellationToken cancellationToken = default);

    /// <summary>Finishes the pending conflicted merge with what is now in the task worktree, or reports the paths still holding markers.</summary>
    Task<SubtaskMergeResult> CompleteMergeAsync(Workspace task, CommitRequest request, CancellationToken cancellationToken = default);

    /// <summary>Gives up the pending conflicted merge; the task worktree goes back to the task branch's commit.</summary>
    Task AbortMergeAsync(Workspace task, CancellationToken cancellationToken = default);

    /// <summary>After a crash: finishes an interrupted clean merge and aborts a conflicted one; the id of the subtask whose merge was completed, or null.</summary>
    Task<string?> RecoverMergeAsync(Workspace task, CancellationToken cancellationToken = default);
}
