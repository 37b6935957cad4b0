using Nightshift.Core.Events;

namespace Nightshift.Storage;

/// <summary>Reads a task's append-only event log. Events are written by the store's state-changing calls.</summary>
public interface IEventLog
{
    /// <summary>Events with a sequence number above <paramref name="afterSequence"/>, oldest first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<TaskEvent>> ReadEventsAsync(string taskId, long afterSequence, int limit = 1_000, CancellationToken cancellationToken = default);

    /// <summary>
    /// Every event after <paramref name="afterSequence"/>, then each new one as it is appended (woken by a signal, not a
    /// tight polling loop), with no gap and no duplicate. When <paramref name="untilFinished"/> is true the stream ends
    /// once the task is in a final state and every event has been yielded; otherwise it runs until cancelled.
    /// </summary>
    IAsyncEnumerable<TaskEvent> FollowEventsAsync(string taskId, long afterSequence, bool untilFinished, CancellationToken cancellationToken = default);

    /// <summary>
    /// The ids of tasks that get new events from now on: appended by this server, or (PostgreSQL) by any server of the
    /// fleet, until cancelled. A hint, not a log: ids may repeat, and <c>*</c> means some may have been missed (a slow
    /// reader, a lost notification channel), so look at everything. A consumer that must not miss an event keeps its own
    /// cursor per task and reads the log itself; this only tells it when and where to look.
    /// </summary>
    IAsyncEnumerable<string> WatchEventActivityAsync(CancellationToken cancellationToken = default);
}
