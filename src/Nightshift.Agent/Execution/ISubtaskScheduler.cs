namespace Nightshift.Agent.Execution;

/// <summary>
/// Decides when each subtask of a plan is built and in which worktree (<see cref="SubtaskIsolation"/>). The executor
/// supplies the build agent (<see cref="SubtaskSchedule.Build"/>) and the journal; the scheduler supplies the order,
/// makes the commits, and reports every step to <see cref="SubtaskSchedule.Journal"/>. The default builds subtasks one
/// after another in the task's worktree; a parallel one builds independent subtasks in worktrees of their own and
/// merges them into the task's.
/// </summary>
public interface ISubtaskScheduler
{
    /// <summary>
    /// Builds every subtask of <see cref="SubtaskSchedule.Plan"/> an earlier attempt did not finish, each only after
    /// its dependencies, and returns the results of those it ran (not the reused ones) in the order they finished.
    /// Stops starting subtasks that depend on one that did not succeed.
    /// </summary>
    Task<IReadOnlyList<SubtaskResult>> RunAsync(SubtaskSchedule schedule, CancellationToken cancellationToken = default);
}
