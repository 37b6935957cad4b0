namespace Nightshift.Core.Errors;

/// <summary>
/// A worker wrote with a lease token that no longer owns the task: the lease expired and the task
/// was reclaimed, or it ended. The worker must stop working on the task at once.
/// </summary>
public sealed class LeaseLostException(string taskId, string detail)
    : NightshiftException($"the lease on task {taskId} is no longer held: {detail}; the worker must stop working on it")
{
    public string TaskId { get; } = taskId;
}
