namespace Nightshift.Core.Errors;

/// <summary>No task has this id (HTTP 404).</summary>
public sealed class TaskNotFoundException(string taskId)
    : NightshiftException($"no task has the id '{Truncate(taskId)}'; list tasks with `nightshift ls` or GET /api/v1/tasks")
{
    public string TaskId { get; } = taskId;

    private static string Truncate(string value) => value.Length <= 64 ? value : value[..64] + "…";
}
