using Microsoft.Extensions.Options;
using Nightshift.Core.Events;
using Nightshift.Core.Tasks;
using Nightshift.Storage;
using Nightshift.Storage.Outbound;

namespace Nightshift.Server.Outbound;

/// <summary>
/// Turns task events into deliveries, once each: for every task with events past its outbox cursor, claims the cursor
/// (so one server of a fleet does a task at a time), matches each event against each active endpoint, and writes the
/// deliveries and the cursor's new place in one transaction. Wakes when the event log reports activity and on a sweep.
/// </summary>
internal sealed partial class OutboxFanOut(
    INightshiftStore store,
    IOptions<OutboundOptions> options,
    OutboundPublicAddress publicAddress,
    DispatchWakeUp dispatch,
    TimeProvider time,
    ILogger<OutboxFanOut> logger) : BackgroundService
{
    /// <summary>Tasks taken per pass.</summary>
    public const int BatchSize = 100;

    /// <summary>Events read per task per pass.</summary>
    public const int EventsPerPass = 500;

    private static readonly TimeSpan CursorLease = TimeSpan.FromSeconds(30);

    private readonly OutboundSignal _activity = new();

    /// <summary>Who holds a cursor's lease: this process.</summary>
    public string Owner { get; } = OutboundOwner.Create();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var watcher = WatchAsync(stoppingToken);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var more = false;
                try
                {
                    more = await FanOutOnceAsync(stoppingToken) >= BatchSize;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogPassFailed(logger, ex);
                }
                if (!more)
                {
                    await _activity.WaitAsync(options.Value.SweepInterval, time, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        await watcher;
    }

    /// <summary>One pass: the tasks with unsent events (up to <see cref="BatchSize"/>), each turned into deliveries.</summary>
    /// <returns>the tasks looked at (claimed or not).</returns>
    public async Task<int> FanOutOnceAsync(CancellationToken cancellationToken = default)
    {
        var taskIds = await store.FindTasksWithUnsentEventsAsync(BatchSize, cancellationToken);
        if (taskIds.Count == 0)
        {
            return 0;
        }
        var claimed = new List<(OutboxCursor Cursor, TaskRecord? Task, IReadOnlyList<TaskEvent> Events)>();
        foreach (var taskId in taskIds)
        {
            var cursor = await store.ClaimOutboxCursorAsync(taskId, Owner, CursorLease, cancellationToken);
            if (cursor is null)
            {
                continue;
            }
            var task = await store.FindAsync(taskId, cancellationToken);
            var events = task is null ? [] : await store.ReadEventsAsync(taskId, cursor.LastSequence, EventsPerPass, cancellationToken);
            claimed.Add((cursor, task, events));
        }
        if (claimed.Count == 0)
        {
            return taskIds.Count;
        }
        // Listed after the events were read, so an endpoint made before any of them was written is in the list.
        // Disabled endpoints too: their deliveries wait for them instead of being lost.
        var endpoints = await store.ListEndpointsAsync(cancellationToken);
        var root = publicAddress.Url;
        var made = 0;
        foreach (var (cursor, task, events) in claimed)
        {
            var deliveries = new List<NewOutboundDelivery>();
            if (task is not null)
            {
                foreach (var taskEvent in events)
                {
                    string? payload = null;
                    foreach (var endpoint in endpoints)
                    {
                        if (EndpointMatcher.Matches(endpoint, task, taskEvent))
                        {
                            payload ??= PayloadRenderer.Render(task, taskEvent, root);
                            deliveries.Add(new NewOutboundDelivery(endpoint.Id, task.Id, taskEvent.Sequence, taskEvent.Type, payload));
                        }
                    }
                }
            }
            var last = events.Count > 0 ? events[^1].Sequence : cursor.LastSequence;
            if (await store.CompleteOutboxAsync(cursor.TaskId, Owner, last, deliveries, cancellationToken))
            {
                made += deliveries.Count;
                if (deliveries.Count > 0)
                {
                    LogMade(logger, deliveries.Count, cursor.TaskId, last);
                }
            }
            else
            {
                LogLeaseLost(logger, cursor.TaskId);
            }
            if (events.Count >= EventsPerPass)
            {
                // More of this task's log waits; look again at once.
                _activity.Set();
            }
        }
        if (made > 0)
        {
            dispatch.Set();
        }
        return taskIds.Count;
    }

    private async Task WatchAsync(CancellationToken stoppingToken)
    {
        // The event log says when tasks get events; the hint only wakes the pass, which finds the tasks itself.
        try
        {
            await foreach (var _ in store.WatchEventActivityAsync(stoppingToken))
            {
                _activity.Set();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            LogWatchFailed(logger, ex);
        }
    }

    [LoggerMessage(EventId = 3400, Level = LogLevel.Debug, Message = "Made {Count} outbound deliveries for task {TaskId} (events up to {Sequence})")]
    private static partial void LogMade(ILogger logger, int count, string taskId, long sequence);

    [LoggerMessage(EventId = 3401, Level = LogLevel.Warning, Message = "The outbox cursor of task {TaskId} was taken over before its deliveries were written; another server does it")]
    private static partial void LogLeaseLost(ILogger logger, string taskId);

    [LoggerMessage(EventId = 3402, Level = LogLevel.Error, Message = "Turning events into outbound deliveries failed; it is tried again at the next sweep (Outbound:SweepInterval)")]
    private static partial void LogPassFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3403, Level = LogLevel.Warning, Message = "Watching the event log for activity stopped; outbound deliveries are now made on the sweep only (Outbound:SweepInterval)")]
    private static partial void LogWatchFailed(ILogger logger, Exception exception);
}
