namespace Nightshift.Server.Telemetry;

/// <summary>Creates the queue depth gauge with the host, so the instrument exists before anything collects.</summary>
internal sealed class QueueDepthGaugeStarter(QueueDepthGauge gauge) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        GC.KeepAlive(gauge);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
