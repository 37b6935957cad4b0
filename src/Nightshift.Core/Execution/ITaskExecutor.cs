namespace Nightshift.Core.Execution;

/// <summary>
/// Does the work of one claimed task. The worker host claims, heartbeats and ends the task;
/// the executor reports progress through <see cref="ITaskRun"/> and returns how the attempt ended.
/// </summary>
public interface ITaskExecutor
{
    /// <param name="run">the claimed task and the lease-fenced ways to report on it.</param>
    /// <param name="cancellationToken">
    /// cancelled when someone cancels the task, the lease is lost, or the worker shuts down;
    /// <see cref="ITaskRun.StopReason"/> says which.
    /// </param>
    Task<TaskOutcome> ExecuteAsync(ITaskRun run, CancellationToken cancellationToken);
}
