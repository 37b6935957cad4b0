namespace Nightshift.Agent.Execution;

/// <summary>
/// Decides when each subtask of a plan is built and in which workspace. The executor supplies the per-subtask work
/// (<see cref="SubtaskSchedule.Build"/>: events, the build agent, a commit, a checkpoint); the scheduler supplies the
/// order. The default runs subtasks one after another in the task's worktree; a parallel runner may build independent
/// subtasks in worktrees of its own and merge them into the task's.
/// </summary>
public interface ISubtaskScheduler
{
    /// <summary>
    /// Builds every subtask of <see cref="SubtaskSchedule.Plan"/> not in <see cref="SubtaskSchedule.Finished"/>, each
    /// only after its dependencies, and returns the outcomes in the order the subtasks finished. Stops starting new
    /// subtasks after the first one that does not succeed.
    /// </summary>
    Task<IReadOnlyList<SubtaskOutcome>> RunAsync(SubtaskSchedule schedule, CancellationToken cancellationToken = default);
}
