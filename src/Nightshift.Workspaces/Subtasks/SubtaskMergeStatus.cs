namespace Nightshift.Workspaces.Subtasks;

/// <summary>How merging a subtask's commit into the task branch ended.</summary>
public enum SubtaskMergeStatus
{
    /// <summary>A merge commit with both parents now heads the task branch, and the task worktree holds its files.</summary>
    Merged,

    /// <summary>The task branch already held everything the subtask changed; no commit was made.</summary>
    Unchanged,

    /// <summary>
    /// Both sides changed the same lines (or a file on one side was deleted or replaced on the other): the task
    /// worktree holds the files with conflict markers and the merge is pending until completed or aborted. The
    /// task branch has not moved.
    /// </summary>
    Conflicted,
}
