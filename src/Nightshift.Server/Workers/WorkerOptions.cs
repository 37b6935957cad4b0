namespace Nightshift.Server.Workers;

/// <summary>The worker's settings, taken from <see cref="Hosting.NightshiftServerOptions"/>.</summary>
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
}
