using System.Runtime.CompilerServices;
using Nightshift.Core.Errors;
using Nightshift.Core.Events;
using Nightshift.Core.Tasks;

namespace Nightshift.Storage.Relational;

internal abstract partial class RelationalStore
{
    private const int MaxReadLimit = 10_000;
    private const int FollowBatch = 500;
    private const int MaxConcurrentFollowerReads = 8;

    private readonly SemaphoreSlim _followerReads = new(MaxConcurrentFollowerReads, MaxConcurrentFollowerReads);

    public async Task<IReadOnlyList<TaskEvent>> ReadEventsAsync(string taskId, long afterSequence, int limit = 1_000, CancellationToken cancellationToken = default)
    {
        EnsureLooksLikeId(taskId);
        ValidateRead(afterSequence, limit);
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var session = new DbSession(connection, null);
        var events = await ReadEventsAsync(session, taskId, afterSequence, limit, cancellationToken).ConfigureAwait(false);
        if (events.Count == 0 && await ReadStatusAsync(session, taskId, cancellationToken).ConfigureAwait(false) is null)
        {
            throw new TaskNotFoundException(taskId);
        }
        return events;
    }

    public IAsyncEnumerable<string> WatchEventActivityAsync(CancellationToken cancellationToken = default) =>
        EventSignals.WatchAsync(cancellationToken);

    public async IAsyncEnumerable<TaskEvent> FollowEventsAsync(
        string taskId,
        long afterSequence,
        bool untilFinished,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        EnsureLooksLikeId(taskId);
        ValidateRead(afterSequence, 1);
        var last = afterSequence;
        var first = true;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();

            // Taken before reading: an append that lands after the read still wakes this follower.
            var wake = EventSignals.WaitAsync(taskId);
            List<TaskEvent> batch;
            TaskState? status;
            // Hundreds of followers woken by one append must not take every pooled connection at once.
            await _followerReads.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                var session = new DbSession(connection, null);
                // Status first: a final status read here means its final event is already committed and read below.
                status = await ReadStatusAsync(session, taskId, cancellationToken).ConfigureAwait(false);
                if (status is null && first)
                {
                    throw new TaskNotFoundException(taskId);
                }
                batch = await ReadEventsAsync(session, taskId, last, FollowBatch, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                _followerReads.Release();
            }
            first = false;

            foreach (var item in batch)
            {
                last = item.Sequence;
                yield return item;
            }
            if (batch.Count == FollowBatch)
            {
                continue;
            }
            if (untilFinished && status is { } s && s.IsTerminal())
            {
                yield break;
            }
            await wake.WaitAsync(Options.PollingInterval, Time, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private static async Task<List<TaskEvent>> ReadEventsAsync(DbSession session, string taskId, long after, int limit, CancellationToken cancellationToken) =>
        await session.QueryAsync(
            "SELECT task_id, seq, time, type, data FROM events WHERE task_id = @id AND seq > @after ORDER BY seq LIMIT @limit",
            [("id", taskId), ("after", after), ("limit", (long)limit)],
            r => new TaskEvent(r.GetString(0), r.GetInt64(1), TaskColumns.Time(r.GetInt64(2)), r.GetString(3), r.GetString(4)),
            cancellationToken).ConfigureAwait(false);

    private static async Task<TaskState?> ReadStatusAsync(DbSession session, string taskId, CancellationToken cancellationToken)
    {
        var value = await session.ScalarAsync("SELECT status FROM tasks WHERE id = @id", [("id", taskId)], cancellationToken).ConfigureAwait(false);
        return value is string text ? TaskStateNames.ParseStatus(text) : null;
    }

    private static void ValidateRead(long afterSequence, int limit)
    {
        if (afterSequence < 0)
        {
            throw new ValidationException("after", $"is {afterSequence}; give 0 for the whole log or the last sequence number seen");
        }
        if (limit is < 1 or > MaxReadLimit)
        {
            throw new ValidationException("limit", $"is {limit}; give a number from 1 to {MaxReadLimit}");
        }
    }
}
