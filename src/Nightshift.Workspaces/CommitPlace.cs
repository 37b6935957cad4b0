namespace Nightshift.Workspaces;

/// <summary>Where a commit recorded by an earlier attempt of a task stands for the task's worktree now (<see cref="ITaskWorkspaces.LocateCommitAsync"/>).</summary>
public enum CommitPlace
{
    /// <summary>Neither in what the worktree started from nor among its own commits: made in a worktree that is gone (another worker's) and never pushed.</summary>
    Lost,

    /// <summary>In what the worktree started from: for a continued branch, the remote's branch held it when the worktree was prepared (it was pushed).</summary>
    InBase,

    /// <summary>Among the commits the worktree made since it started (the same worktree, resumed), not yet in its base.</summary>
    Committed,
}
