using Nightshift.Core.Errors;
using Nightshift.Core.Events;
using Nightshift.Core.Execution;
using Nightshift.Core.Tasks;
using Nightshift.Server.Metrics;
using Nightshift.Storage;

namespace Nightshift.Server.Workers;

/// <summary>
/// Runs claimed tasks in a fixed number of slots: claim with a lease, heartbeat it, run the executor, end the attempt.
/// On shutdown it stops claiming, asks running executors to checkpoint and gives their leases back within a bound.
/// </summary>
internal sealed partial class WorkerService(
    INightshiftStore store,
    ITaskExecutor executor,
    WorkerOptions options,
    ServerMetrics metrics,
    TimeProvider timeProvider,
    ILogger<WorkerService> logger) : BackgroundService
{
    private readonly CancellationTokenSource _forceRelease = new();
    private ITimer? _forceReleaseTimer;

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // Executors get the shutdown bound to checkpoint; past it the worker gives their leases back itself.
        _forceReleaseTimer = timeProvider.CreateTimer(_ => _forceRelease.Cancel(), null, options.ShutdownTimeout, Timeout.InfiniteTimeSpan);
        await base.StopAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _forceReleaseTimer?.Dispose();
        _forceRelease.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        LogStarted(logger, options.Slots, store.Dialect);
        var loops = Enumerable.Range(1, options.Slots).Select(slot => RunSlotAsync(slot, stoppingToken)).ToList();
        loops.Add(ReclaimLoopAsync(stoppingToken));
        await Task.WhenAll(loops);
        LogStopped(logger);
    }

    private async Task RunSlotAsync(int slot, CancellationToken stoppingToken)
    {
        var request = new ClaimRequest($"{Environment.MachineName}:{Environment.ProcessId}:{slot}", options.LeaseDuration);
        Lease? next = null;
        while (true)
        {
            if (next is { } handedOver)
            {
                if (stoppingToken.IsCancellationRequested)
                {
                    // Claimed by the last finish just as the worker began stopping: give it straight back.
                    metrics.TaskStarted();
                    await FinishAsync(handedOver, TaskOutcome.Release());
                    return;
                }
                next = await RunLeaseAsync(handedOver, request, stoppingToken);
                continue;
            }
            if (stoppingToken.IsCancellationRequested)
            {
                return;
            }

            Lease? lease;
            try
            {
                // Not cancellable: a claim the store committed must reach the code that ends it.
                lease = await store.TryClaimAsync(request, CancellationToken.None);
            }
            catch (Exception exception)
            {
                LogClaimFailed(logger, request.WorkerId, exception);
                await PauseAsync(options.PollInterval, stoppingToken);
                continue;
            }

            if (lease is null)
            {
                try
                {
                    await store.WaitForWorkAsync(options.PollInterval, stoppingToken);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception exception)
                {
                    LogClaimFailed(logger, request.WorkerId, exception);
                    await PauseAsync(options.PollInterval, stoppingToken);
                }
                continue;
            }

            next = await RunLeaseAsync(lease, request, stoppingToken);
        }
    }

    /// <summary>Runs one claimed attempt to its end; returns the slot's next lease when ending it also claimed one.</summary>
    private async Task<Lease?> RunLeaseAsync(Lease lease, ClaimRequest request, CancellationToken stoppingToken)
    {
        metrics.TaskStarted();
        metrics.EventsAppended();
        LogClaimed(logger, lease.TaskId, lease.Attempt, lease.WorkerId);

        var run = new LeasedTaskRun(lease, store, metrics);
        using var executorStop = new CancellationTokenSource();
        void Stop(StopReason reason)
        {
            if (run.TryStop(reason))
            {
                try
                {
                    executorStop.Cancel();
                }
                catch (AggregateException exception)
                {
                    LogExecutorCallbackFailed(logger, lease.TaskId, exception);
                }
            }
        }

        using var onShutdown = stoppingToken.Register(() => Stop(StopReason.Shutdown));
        using var heartbeatStop = new CancellationTokenSource();
        var heartbeats = Task.WhenAll(HeartbeatAsync(lease, Stop, heartbeatStop.Token), WatchForCancelAsync(lease, Stop, heartbeatStop.Token));

        TaskOutcome? outcome;
        var execution = Task.Run(() => executor.ExecuteAsync(run, executorStop.Token), CancellationToken.None);
        try
        {
            outcome = await execution.WaitAsync(_forceRelease.Token);
        }
        catch (OperationCanceledException) when (_forceRelease.IsCancellationRequested && !execution.IsCompleted)
        {
            // The executor ignored the shutdown for the whole bound: give the task back; its late writes will be refused.
            LogForcedRelease(logger, lease.TaskId, options.ShutdownTimeout.TotalSeconds);
            outcome = TaskOutcome.Release();
        }
        catch (OperationCanceledException) when (run.StopReason != StopReason.None)
        {
            outcome = run.StopReason switch
            {
                StopReason.CancelRequested => TaskOutcome.Cancelled(),
                StopReason.Shutdown => TaskOutcome.Release(),
                _ => null,
            };
        }
        catch (LeaseLostException)
        {
            Stop(StopReason.LeaseLost);
            outcome = null;
        }
        catch (Exception exception)
        {
            LogExecutorFailed(logger, lease.TaskId, exception);
            outcome = TaskOutcome.Retry(Describe(exception));
        }
        finally
        {
            await heartbeatStop.CancelAsync();
            await heartbeats;
        }

        if (run.StopReason == StopReason.LeaseLost || outcome is null)
        {
            // Another worker may own the task now: whatever this attempt would write could overwrite its work.
            LogLeaseLost(logger, lease.TaskId);
            metrics.TaskFinished("abandoned");
            return null;
        }

        if (run.StopReason == StopReason.CancelRequested && outcome.Kind is not (OutcomeKind.Succeeded or OutcomeKind.NeedsReview or OutcomeKind.Cancelled))
        {
            outcome = TaskOutcome.Cancelled(outcome.Kind == OutcomeKind.Released ? null : outcome.Reason);
        }

        if (!execution.IsCompleted)
        {
            run.TryStop(StopReason.LeaseLost);
            _ = ObserveLateAsync(execution);
        }

        return await FinishAsync(lease, outcome, stoppingToken.IsCancellationRequested ? null : request);
    }

    /// <summary>
    /// Ends the attempt. With <paramref name="next"/> it also claims the slot's next task in the same round trip, so a
    /// busy queue hands work over without an extra commit; that call is not cancellable, like a claim, because a
    /// committed claim must reach the slot that runs it. Without it (shutdown) the finish is bounded in time.
    /// </summary>
    private async Task<Lease?> FinishAsync(Lease lease, TaskOutcome outcome, ClaimRequest? next = null)
    {
        using var timeout = new CancellationTokenSource(WorkerOptions.FinishTimeout, timeProvider);
        try
        {
            Lease? claimed = null;
            TaskRecord task;
            if (next is not null && store is IFinishAndClaim chained)
            {
                (task, claimed) = await chained.FinishAndClaimAsync(lease, outcome, next, CancellationToken.None);
            }
            else
            {
                task = await store.FinishAsync(lease, outcome, timeout.Token);
            }
            metrics.TaskFinished(task.Status.ToWire());
            metrics.EventsAppended();
            LogFinished(logger, lease.TaskId, outcome.Kind, task.Status.ToWire());
            return claimed;
        }
        catch (LeaseLostException)
        {
            LogLeaseLost(logger, lease.TaskId);
            metrics.TaskFinished("abandoned");
        }
        catch (Exception exception)
        {
            // The lease runs out and the reclaimer returns the task to the queue, so nothing is lost.
            LogFinishFailed(logger, lease.TaskId, outcome.Kind, exception);
            metrics.TaskFinished("abandoned");
        }
        return null;
    }

    private async Task HeartbeatAsync(Lease lease, Action<StopReason> stop, CancellationToken cancellationToken)
    {
        var expiresAt = lease.ExpiresAt;
        using var timer = new PeriodicTimer(options.HeartbeatInterval, timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                try
                {
                    var beat = await store.HeartbeatAsync(lease, cancellationToken);
                    expiresAt = beat.ExpiresAt;
                    if (beat.CancelRequested)
                    {
                        stop(StopReason.CancelRequested);
                    }
                }
                catch (LeaseLostException)
                {
                    stop(StopReason.LeaseLost);
                    return;
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    LogHeartbeatFailed(logger, lease.TaskId, exception);
                    if (timeProvider.GetUtcNow() >= expiresAt)
                    {
                        stop(StopReason.LeaseLost);
                        return;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// Stops the executor as soon as someone asks to cancel, instead of at the next heartbeat: the request is an event,
    /// and following the task's events is woken by the store's signal (in-process on SQLite, NOTIFY on PostgreSQL).
    /// The heartbeat still sees the request if this watch misses it.
    /// </summary>
    private async Task WatchForCancelAsync(Lease lease, Action<StopReason> stop, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var e in store.FollowEventsAsync(lease.TaskId, 0, untilFinished: true, cancellationToken))
            {
                // An old request from before a retry is still in the log: the task's own flag says whether it stands.
                if (e.Type == EventTypes.TaskCancelRequested && (await store.FindAsync(lease.TaskId, cancellationToken))?.CancelRequested == true)
                {
                    stop(StopReason.CancelRequested);
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogCancelWatchFailed(logger, lease.TaskId, exception);
        }
    }

    private async Task ReclaimLoopAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.ReclaimInterval, timeProvider);
        try
        {
            do
            {
                try
                {
                    var reclaimed = await store.ReclaimExpiredAsync(stoppingToken);
                    if (reclaimed > 0)
                    {
                        LogReclaimed(logger, reclaimed);
                    }
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    LogReclaimFailed(logger, exception);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task PauseAsync(TimeSpan pause, CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(pause, timeProvider, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task ObserveLateAsync(Task<TaskOutcome> execution)
    {
        try
        {
            await execution;
        }
        catch (Exception exception)
        {
            LogLateExecutorFailed(logger, exception);
        }
    }

    /// <summary>The message a person sees in the task's events: what failed, never a stack trace.</summary>
    internal static string Describe(Exception exception)
    {
        var message = exception.Message.ReplaceLineEndings(" ").Trim();
        if (message.Length > 1_000)
        {
            message = message[..1_000] + "…";
        }
        return $"the attempt failed: {message}";
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Worker started with {Slots} slot(s) on the {Dialect} store")]
    private static partial void LogStarted(ILogger logger, int slots, string dialect);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "Worker stopped")]
    private static partial void LogStopped(ILogger logger);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Information, Message = "Claimed task {TaskId} (attempt {Attempt}) as {WorkerId}")]
    private static partial void LogClaimed(ILogger logger, string taskId, int attempt, string workerId);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Information, Message = "Task {TaskId} attempt ended as {Outcome}; the task is now {Status}")]
    private static partial void LogFinished(ILogger logger, string taskId, OutcomeKind outcome, string status);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Warning, Message = "Could not claim work as {WorkerId}; trying again shortly")]
    private static partial void LogClaimFailed(ILogger logger, string workerId, Exception exception);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Warning, Message = "The executor of task {TaskId} failed; the task will be retried while attempts remain")]
    private static partial void LogExecutorFailed(ILogger logger, string taskId, Exception exception);

    [LoggerMessage(EventId = 2007, Level = LogLevel.Warning, Message = "Lost the lease on task {TaskId}; this worker writes nothing more for it")]
    private static partial void LogLeaseLost(ILogger logger, string taskId);

    [LoggerMessage(EventId = 2015, Level = LogLevel.Debug, Message = "Watching task {TaskId} for cancellation failed; the heartbeat still observes it")]
    private static partial void LogCancelWatchFailed(ILogger logger, string taskId, Exception exception);

    [LoggerMessage(EventId = 2008, Level = LogLevel.Warning, Message = "Heartbeat for task {TaskId} failed; retrying until the lease runs out")]
    private static partial void LogHeartbeatFailed(ILogger logger, string taskId, Exception exception);

    [LoggerMessage(EventId = 2009, Level = LogLevel.Warning, Message = "Task {TaskId} did not stop within the shutdown bound of {Seconds} s; releasing its lease")]
    private static partial void LogForcedRelease(ILogger logger, string taskId, double seconds);

    [LoggerMessage(EventId = 2010, Level = LogLevel.Error, Message = "Could not record the end ({Outcome}) of task {TaskId}; its lease will expire and the task will be reclaimed")]
    private static partial void LogFinishFailed(ILogger logger, string taskId, OutcomeKind outcome, Exception exception);

    [LoggerMessage(EventId = 2011, Level = LogLevel.Information, Message = "Returned {Count} task(s) with expired leases to the queue")]
    private static partial void LogReclaimed(ILogger logger, int count);

    [LoggerMessage(EventId = 2012, Level = LogLevel.Warning, Message = "Reclaiming expired leases failed; trying again on the next round")]
    private static partial void LogReclaimFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 2013, Level = LogLevel.Warning, Message = "Stopping the executor of task {TaskId} raised an error")]
    private static partial void LogExecutorCallbackFailed(ILogger logger, string taskId, Exception exception);

    [LoggerMessage(EventId = 2014, Level = LogLevel.Debug, Message = "An abandoned executor ended with an error")]
    private static partial void LogLateExecutorFailed(ILogger logger, Exception exception);
}
