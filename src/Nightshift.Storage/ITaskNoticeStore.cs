namespace Nightshift.Storage;

/// <summary>
/// What has been told back to the forge a task came from, durable and shared by every server of a fleet: per task with
/// an origin, a cursor over its event log (claimed with a short lease, so one server walks a task's log at a time), and
/// each notice recorded by a key before and after it is posted, so that a restart neither loses nor doubles one.
/// </summary>
public interface ITaskNoticeStore
{
    /// <summary>
    /// Tasks with an origin whose log has events past their notice cursor (or that have no cursor yet), whose cursor is
    /// neither leased nor waiting to retry; the least recently changed first, at most <paramref name="max"/>.
    /// </summary>
    Task<IReadOnlyList<string>> FindTasksWithUnreportedEventsAsync(int max, CancellationToken cancellationToken = default);

    /// <summary>
    /// Takes the task's notice cursor (made at sequence 0 when it has none) for <paramref name="owner"/> until
    /// <paramref name="lease"/> has passed, unless another owner holds an unexpired lease or a retry is not yet due.
    /// </summary>
    /// <returns>the cursor, or null when it could not be taken (someone else has it, or the task has no origin).</returns>
    Task<NoticeCursor?> ClaimNoticeCursorAsync(string taskId, string owner, TimeSpan lease, CancellationToken cancellationToken = default);

    /// <summary>
    /// Moves the cursor forward to <paramref name="sequence"/> (never back) and frees the lease. With
    /// <paramref name="retryAt"/> the next walk waits until then and the failure count grows; without it the count is reset.
    /// </summary>
    /// <returns>false when <paramref name="owner"/> no longer held the lease (nothing was changed).</returns>
    Task<bool> ReleaseNoticeCursorAsync(string taskId, string owner, long sequence, DateTimeOffset? retryAt, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records that the notice <paramref name="key"/> of the task is about to be posted: a new or failed notice becomes
    /// <see cref="NoticeState.Sending"/>; any other is left as it is.
    /// </summary>
    /// <returns>the notice as it was before the call, or null when it is new.</returns>
    Task<TaskNotice?> BeginNoticeAsync(string taskId, string key, CancellationToken cancellationToken = default);

    /// <summary>Records how posting the notice ended; <see cref="NoticeState.Failed"/> counts one more attempt.</summary>
    /// <returns>the notice as it is now.</returns>
    Task<TaskNotice> FinishNoticeAsync(string taskId, string key, NoticeState state, string? reference, CancellationToken cancellationToken = default);

    /// <returns>the task's notices, by key.</returns>
    Task<IReadOnlyList<TaskNotice>> ListNoticesAsync(string taskId, CancellationToken cancellationToken = default);
}
