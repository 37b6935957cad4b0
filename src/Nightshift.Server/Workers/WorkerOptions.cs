namespace Nightshift.Server.Workers;

/// <summary>
/// The worker's settings: slots, lease and intervals from <see cref="Hosting.NightshiftServerOptions"/>, the bounds on an
/// attempt from <see cref="WorkerSettings"/> and the claim caps from <see cref="QueueSettings"/>.
/// </summary>
internal sealed record WorkerOptions(
    int Slots,
    TimeSpan LeaseDuration,
    TimeSpan PollInterval,
    TimeSpan ReclaimInterval,
    TimeSpan ShutdownTimeout)
{
    /// <summary>Longest the worker waits for the store when it writes an attempt's end.</summary>
    public static TimeSpan FinishTimeout { get; } = TimeSpan.FromSeconds(10);

    public TimeSpan HeartbeatInterval => LeaseDuration / 3;

    /// <inheritdoc cref="WorkerSettings.TaskDeadline"/>
    public TimeSpan TaskDeadline { get; init; } = new WorkerSettings().TaskDeadline;

    /// <inheritdoc cref="WorkerSettings.StallTimeout"/>
    public TimeSpan StallTimeout { get; init; } = new WorkerSettings().StallTimeout;

    /// <inheritdoc cref="WorkerSettings.StopGrace"/>
    public TimeSpan StopGrace { get; init; } = new WorkerSettings().StopGrace;

    /// <inheritdoc cref="QueueSettings.MaxRunningTasks"/>
    public int? MaxRunningTasks { get; init; }

    /// <inheritdoc cref="QueueSettings.MaxRunningTasksPerRepository"/>
    public int? MaxRunningTasksPerRepository { get; init; }

    /// <summary>How often an attempt's deadline, progress and stop are looked at: often enough for the shortest of them.</summary>
    public TimeSpan WatchInterval
    {
        get
        {
            var shortest = new[] { HeartbeatInterval, TaskDeadline, StallTimeout > TimeSpan.Zero ? StallTimeout : TimeSpan.MaxValue, StopGrace > TimeSpan.Zero ? StopGrace : TimeSpan.MaxValue }.Min();
            return TimeSpan.FromTicks(Math.Clamp(shortest.Ticks / 4, TimeSpan.FromMilliseconds(20).Ticks, TimeSpan.FromSeconds(1).Ticks));
        }
    }

    public static WorkerOptions From(Hosting.NightshiftServerOptions server, WorkerSettings worker, QueueSettings queue) =>
        new(server.WorkerSlots, server.LeaseDuration, server.PollInterval, server.ReclaimInterval, server.ShutdownTimeout)
        {
            TaskDeadline = worker.TaskDeadline,
            StallTimeout = worker.StallTimeout,
            StopGrace = worker.StopGrace,
            MaxRunningTasks = queue.MaxRunningTasks,
            MaxRunningTasksPerRepository = queue.MaxRunningTasksPerRepository,
        };
}
