namespace Nightshift.Core.Execution;

/// <summary>
/// Where the executor reads the task a follow-up continues (<see cref="Tasks.TaskRecord.FollowUpOf"/>) and the pull
/// request that task opened; the store answers it on a server.
/// </summary>
public interface IFollowUpSource
{
    /// <returns>the task and its pull request (null when it opened none), or null when no task has this id.</returns>
    Task<FollowUpParent?> FindParentAsync(string taskId, CancellationToken cancellationToken = default);
}
