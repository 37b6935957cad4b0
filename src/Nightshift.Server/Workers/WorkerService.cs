using Nightshift.Core.Errors;
using Nightshift.Core.Events;
using Nightshift.Core.Events.Payloads;
using Nightshift.Core.Execution;
using Nightshift.Core.Tasks;
using Nightshift.Server.Metrics;
using Nightshift.Server.Secrets;
using Nightshift.Server.Telemetry;
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
    WorkerIdentity identity,
    ServerMetrics metrics,
    TimeProvider timeProvider,
    ILogger<WorkerService> logger,
    SecretValues? secretValues = null) : BackgroundService
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
        var request = new ClaimRequest(
            identity.WorkerId(slot), options.LeaseDuration, options.MaxRunningTasks, options.MaxRunningTasksPerRepository);
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
        using var span = TaskRunTelemetry.Claimed(lease, timeProvider.GetUtcNow());

        var run = new LeasedTaskRun(lease, store, metrics, timeProvider, secretValues);
        using var executorStop = new CancellationTokenSource();
        // Cancelled when the worker stops waiting for an executor that did not return in time after being stopped.
        using var abandon = CancellationTokenSource.CreateLinkedTokenSource(_forceRelease.Token);
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
        var heartbeats = Task.WhenAll(
            HeartbeatAsync(lease, run, Stop, heartbeatStop.Token),
            WatchForCancelAsync(lease, Stop, heartbeatStop.Token),
            WatchAttemptAsync(run, Stop, abandon, heartbeatStop.Token));

        TaskOutcome? outcome;
        // The fence travels with the executor's own calls: workspaces and forges check this lease before they write.
        var execution = WriteFence.RunAsync(run.EnsureLeaseAsync, () => executor.ExecuteAsync(run, executorStop.Token));
        try
        {
            outcome = await execution.WaitAsync(abandon.Token);
        }
        catch (OperationCanceledException) when (abandon.IsCancellationRequested && !execution.IsCompleted)
        {
            // The executor ignored its stop for the whole bound (a host-side call that never returns): stop waiting,
            // free the slot, and end the attempt as its stop says; its late writes will be refused.
            outcome = Abandoned(run);
        }
        catch (OperationCanceledException) when (run.StopReason != StopReason.None)
        {
            outcome = Stopped(run);
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
            TaskRunTelemetry.Ended(span, TaskRunTelemetry.Abandoned, timeProvider.GetUtcNow() - run.StartedAt);
            if (!execution.IsCompleted)
            {
                _ = ObserveLateAsync(execution);
            }
            return null;
        }

        outcome = run.StopReason switch
        {
            StopReason.CancelRequested when outcome.Kind is not (OutcomeKind.Succeeded or OutcomeKind.NeedsReview or OutcomeKind.Cancelled) =>
                TaskOutcome.Cancelled(outcome.Kind == OutcomeKind.Released ? null : outcome.Reason),
            StopReason.DeadlineExceeded when outcome.Kind is not (OutcomeKind.Succeeded or OutcomeKind.NeedsReview or OutcomeKind.TimedOut) =>
                DeadlineOutcome(run, abandoned: false),
            StopReason.Stalled when outcome.Kind is OutcomeKind.Released => TaskOutcome.Retry(StallReason(run)),
            _ => outcome,
        };

        if (!execution.IsCompleted)
        {
            run.TryStop(StopReason.LeaseLost);
            _ = ObserveLateAsync(execution);
        }

        TaskRunTelemetry.Ended(span, TaskRunTelemetry.OutcomeName(outcome.Kind), timeProvider.GetUtcNow() - run.StartedAt);
        return await FinishAsync(lease, outcome, stoppingToken.IsCancellationRequested ? null : request);
    }

    /// <summary>How an attempt that returned (or threw) after being stopped ends; null when nothing may be written.</summary>
    private TaskOutcome? Stopped(LeasedTaskRun run) => run.StopReason switch
    {
        StopReason.CancelRequested => TaskOutcome.Cancelled(),
        StopReason.Shutdown => TaskOutcome.Release(),
        StopReason.DeadlineExceeded => DeadlineOutcome(run, abandoned: false),
        StopReason.Stalled => TaskOutcome.Retry(StallReason(run)),
        _ => null,
    };

    /// <summary>How an attempt the worker stopped waiting for ends. A stuck attempt always counts against the attempt limit.</summary>
    private TaskOutcome? Abandoned(LeasedTaskRun run)
    {
        var phase = run.Phase.ToWire();
        switch (run.StopReason)
        {
            case StopReason.None or StopReason.Shutdown:
                // Shutdown with an executor that ignored it for the whole bound. Handing the attempt back, as a clean
                // release does, would let a task that hangs every time circulate for ever: it counts as failed instead.
                LogForcedRelease(logger, run.Task.Id, options.ShutdownTimeout.TotalSeconds);
                return TaskOutcome.Retry(
                    $"the attempt did not stop within the shutdown bound of {Seconds(options.ShutdownTimeout)} while {phase}; " +
                    "it was abandoned and counts as a failed attempt");
            case StopReason.CancelRequested:
                LogAbandoned(logger, run.Task.Id, "cancelled", Seconds(options.StopGrace));
                return TaskOutcome.Cancelled(
                    $"cancelled on request while {phase}; the attempt did not stop within {Seconds(options.StopGrace)} (Worker:StopGrace) and was abandoned");
            case StopReason.DeadlineExceeded:
                LogAbandoned(logger, run.Task.Id, "timed out", Seconds(options.StopGrace));
                return DeadlineOutcome(run, abandoned: true);
            case StopReason.Stalled:
                LogAbandoned(logger, run.Task.Id, "stalled", Seconds(options.StopGrace));
                return TaskOutcome.Retry(StallReason(run) + "; it did not stop when told and was abandoned");
            default:
                return null;
        }
    }

    private TaskOutcome DeadlineOutcome(LeasedTaskRun run, bool abandoned)
    {
        var phase = run.Phase.ToWire();
        var reason =
            $"the attempt ran past the worker's hard deadline of {Seconds(options.TaskDeadline)} (Worker:TaskDeadline) while {phase}" +
            (abandoned ? $" and did not stop within {Seconds(options.StopGrace)}, so it was abandoned" : "") +
            "; raise Worker:TaskDeadline if the task needs longer, or find what it waited on in its events, then retry it";
        return TaskOutcome.TimedOut(reason) with
        {
            DetailsJson = Core.Serialization.NightshiftJson.Payload(new TaskFinishedPayload(Phase: phase, DeadlineSeconds: (long)options.TaskDeadline.TotalSeconds, Abandoned: abandoned)),
        };
    }

    private string StallReason(LeasedTaskRun run) =>
        $"the attempt made no progress (no event, phase, checkpoint, plan or usage) for {Seconds(options.StallTimeout)} " +
        $"(Worker:StallTimeout) while {run.Phase.ToWire()}, so its lease was no longer renewed";

    private static string Seconds(TimeSpan span) =>
        span.TotalSeconds >= 120 && span.TotalSeconds % 60 == 0
            ? $"{(long)span.TotalMinutes} min"
            : $"{span.TotalSeconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)} s";

    /// <summary>
    /// The worker's own watch over an attempt, independent of the executor cooperating: it stops the attempt at its hard
    /// deadline or after too long without progress, and gives up waiting for it once a stop has gone unheeded for
    /// <see cref="WorkerOptions.StopGrace"/> (a shutdown has its own bound).
    /// </summary>
    private async Task WatchAttemptAsync(LeasedTaskRun run, Action<StopReason> stop, CancellationTokenSource abandon, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(options.WatchInterval, timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                var now = timeProvider.GetUtcNow();
                if (run.StopReason == StopReason.None)
                {
                    if (now - run.StartedAt >= options.TaskDeadline)
                    {
                        LogDeadlinePassed(logger, run.Task.Id, Seconds(options.TaskDeadline), run.Phase.ToWire());
                        stop(StopReason.DeadlineExceeded);
                    }
                    else if (IsStalled(run, now))
                    {
                        LogStalled(logger, run.Task.Id, Seconds(options.StallTimeout), run.Phase.ToWire());
                        stop(StopReason.Stalled);
                    }
                }
                if (run.StopReason is not (StopReason.None or StopReason.Shutdown) && run.StoppedAt is { } stoppedAt && now - stoppedAt >= options.StopGrace)
                {
                    await abandon.CancelAsync();
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private bool IsStalled(LeasedTaskRun run, DateTimeOffset now) =>
        options.StallTimeout > TimeSpan.Zero && now - run.LastProgress >= options.StallTimeout;

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

    private async Task HeartbeatAsync(Lease lease, LeasedTaskRun run, Action<StopReason> stop, CancellationToken cancellationToken)
    {
        var expiresAt = lease.ExpiresAt;
        using var timer = new PeriodicTimer(options.HeartbeatInterval, timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                if (run.StopReason == StopReason.Stalled || IsStalled(run, timeProvider.GetUtcNow()))
                {
                    // No progress: let the lease run out, so the sweep (here or on another worker) takes the task back
                    // and counts the attempt, even if this worker can no longer end it itself.
                    stop(StopReason.Stalled);
                    LogStoppedRenewing(logger, lease.TaskId, expiresAt);
                    return;
                }
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

    [LoggerMessage(EventId = 2009, Level = LogLevel.Warning, Message = "Task {TaskId} did not stop within the shutdown bound of {Seconds} s; ending the attempt as failed and giving the task back")]
    private static partial void LogForcedRelease(ILogger logger, string taskId, double seconds);

    [LoggerMessage(EventId = 2010, Level = LogLevel.Error, Message = "Could not record the end ({Outcome}) of task {TaskId}; its lease will expire and the task will be reclaimed")]
    private static partial void LogFinishFailed(ILogger logger, string taskId, OutcomeKind outcome, Exception exception);

    [LoggerMessage(EventId = 2011, Level = LogLevel.Information, Message = "Returned {Count} task(s) with expired leases to the queue")]
    private static partial void LogReclaimed(ILogger logger, int count);

    [LoggerMessage(EventId = 2012, Level = LogLevel.Warning, Message = "Reclaiming expired leases failed; trying again on the next round")]
    private static partial void LogReclaimFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 2013, Level = LogLevel.Warning, Message = "Stopping the executor of task {TaskId} raised an error")]
    private static partial void LogExecutorCallbackFailed(ILogger logger, string taskId, Exception exception);

    [LoggerMessage(EventId = 2016, Level = LogLevel.Warning, Message = "Task {TaskId} ran past the hard deadline of {Deadline} while {Phase}; stopping it")]
    private static partial void LogDeadlinePassed(ILogger logger, string taskId, string deadline, string phase);

    [LoggerMessage(EventId = 2017, Level = LogLevel.Warning, Message = "Task {TaskId} made no progress for {Timeout} while {Phase}; stopping it")]
    private static partial void LogStalled(ILogger logger, string taskId, string timeout, string phase);

    [LoggerMessage(EventId = 2018, Level = LogLevel.Warning, Message = "Stopped renewing the lease on stalled task {TaskId}; it expires at {ExpiresAt} and the task returns to the queue")]
    private static partial void LogStoppedRenewing(ILogger logger, string taskId, DateTimeOffset expiresAt);

    [LoggerMessage(EventId = 2019, Level = LogLevel.Warning, Message = "Task {TaskId} ({Why}) did not stop within {Grace}; the worker stopped waiting for it and freed the slot")]
    private static partial void LogAbandoned(ILogger logger, string taskId, string why, string grace);

    [LoggerMessage(EventId = 2014, Level = LogLevel.Debug, Message = "An abandoned executor ended with an error")]
    private static partial void LogLateExecutorFailed(ILogger logger, Exception exception);
}
