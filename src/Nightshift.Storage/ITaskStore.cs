using Nightshift.Core.Tasks;

namespace Nightshift.Storage;

/// <summary>What people (API, CLI, dashboard) do with tasks. Each call is one transaction that also appends its event.</summary>
public interface ITaskStore
{
    /// <summary>
    /// Validates and enqueues a task with the event <c>task.queued</c>. A task with the same idempotency key
    /// is returned instead of a new one (<see cref="SubmitResult.Created"/> false), also under concurrent submits.
    /// </summary>
    /// <exception cref="Core.Errors.ValidationException">a field is unusable.</exception>
    Task<SubmitResult> SubmitAsync(NewTask task, CancellationToken cancellationToken = default);

    /// <returns>the task, or null when no task has this id.</returns>
    Task<TaskRecord?> FindAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>The task, only when it belongs to <paramref name="orgId"/>: another organisation's task is as absent as a missing one.</summary>
    Task<TaskRecord?> FindInOrgAsync(string orgId, string id, CancellationToken cancellationToken = default);

    /// <summary>
    /// The tasks that came from one issue or pull request (<see cref="TaskOrigin.Key"/>), newest first, at most
    /// <paramref name="limit"/> (1–200).
    /// </summary>
    Task<IReadOnlyList<TaskRecord>> FindByOriginAsync(string originKey, int limit = 20, CancellationToken cancellationToken = default);

    /// <summary>
    /// The tasks whose pull request is the one at <paramref name="reference"/> (its web address) or has
    /// <paramref name="branch"/> as its head branch (a follow-up keeps its parent's), newest first, at most
    /// <paramref name="limit"/> (1–200): how a forge's pull request finds the task that opened it. Callers check the
    /// repository: a branch name alone may repeat across repositories.
    /// </summary>
    Task<IReadOnlyList<TaskRecord>> FindByPullRequestAsync(string? reference, string? branch, int limit = 20, CancellationToken cancellationToken = default);

    /// <summary>Newest first, with an opaque cursor for the next page.</summary>
    Task<TaskPage> ListAsync(TaskQuery query, CancellationToken cancellationToken = default);

    /// <summary>The task's checkpoint (opaque JSON), or null.</summary>
    Task<string?> GetCheckpointAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>
    /// Cancels a queued or waiting task at once (<c>task.cancelled</c>); for a running task, records the request
    /// (<c>task.cancel_requested</c>) for its worker to observe on its next heartbeat.
    /// </summary>
    /// <exception cref="Core.Errors.TaskNotFoundException"/>
    /// <exception cref="Core.Errors.InvalidTransitionException">the task already ended.</exception>
    Task<TaskRecord> CancelAsync(string id, string? reason = null, CancellationToken cancellationToken = default);

    /// <summary>Puts a failed, cancelled, timed-out or needs-review task back in the queue, with a fresh attempt budget.</summary>
    Task<TaskRecord> RetryAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Approves a waiting plan (optionally replaced by <paramref name="planJson"/>) and queues the task to build it.</summary>
    Task<TaskRecord> ApproveAsync(string id, string? planJson = null, CancellationToken cancellationToken = default);

    /// <summary>Rejects a waiting plan; the task ends as cancelled with the reason kept.</summary>
    Task<TaskRecord> RejectAsync(string id, string? reason = null, CancellationToken cancellationToken = default);
}
