namespace Nightshift.Agent.Execution;

/// <summary>Where a subtask is built; chosen by the scheduler and handed to the builder and the journal with the work.</summary>
public enum SubtaskIsolation
{
    /// <summary>In the task's own worktree, one subtask after another; the scheduler commits each there.</summary>
    TaskWorktree,

    /// <summary>
    /// In a worktree of its own, from the task branch's commit when its wave started, while others are built in theirs;
    /// the scheduler commits it on the subtask's branch and merges it into the task branch. Files the repository's setup
    /// made in the task's worktree are not there.
    /// </summary>
    OwnWorktree,
}
