namespace Nightshift.Core.Execution;

/// <summary>
/// Does the work of one claimed task. The worker host claims, heartbeats and ends the task;
/// the executor reports progress through <see cref="ITaskRun"/> and returns how the attempt ended.
/// </summary>
public interface ITaskExecutor
{
    /// <param name="run">the claimed task and the lease-fenced ways to report on it.</param>
    /// <param name="cancellationToken">
    /// cancelled when someone cancels the task, the lease is lost, the worker shuts down, the attempt passes the
    /// worker's hard deadline or makes no progress for too long; <see cref="ITaskRun.StopReason"/> says which. An
    /// executor that does not return within the worker's grace after that is abandoned: its slot is freed and its
    /// later writes (store and <see cref="WriteFence"/>-checked ones) are refused.
    /// </param>
    Task<TaskOutcome> ExecuteAsync(ITaskRun run, CancellationToken cancellationToken);
}
