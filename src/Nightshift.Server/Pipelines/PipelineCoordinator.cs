using Microsoft.Extensions.Options;

namespace Nightshift.Server.Pipelines;

/// <summary>
/// The hosted service of every server (<c>nightshift up</c>): each <c>Pipelines:PollInterval</c> it starts the due
/// schedules' runs and takes the runs that are due (woken by a step's task ending or a person's decision, or their
/// safety-net time passed) with a lease, advancing each one pass. Servers of a fleet share the work through the leases.
/// </summary>
internal sealed partial class PipelineCoordinator(
    Storage.INightshiftStore store,
    PipelineRunner runner,
    PipelineScheduler scheduler,
    IOptions<PipelineOptions> options,
    TimeProvider time,
    ILogger<PipelineCoordinator> logger) : BackgroundService
{
    /// <summary>This coordinator's name in run leases: unique per process.</summary>
    public string Owner { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            return;
        }
        using var timer = new PeriodicTimer(settings.PollInterval, time);
        try
        {
            do
            {
                await RunOnceAsync(stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One round: due schedules, then due runs. A failure is logged and the next round tries again.</summary>
    public async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        try
        {
            await scheduler.StartDueAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogRoundFailed(logger, "schedules", e.GetType().Name, e.Message);
        }
        try
        {
            var settings = options.Value;
            var leases = await store.ClaimRunsAsync(Owner, settings.LeaseDuration, settings.MaxRunsPerClaim, cancellationToken);
            foreach (var lease in leases)
            {
                try
                {
                    await runner.AdvanceAsync(lease, cancellationToken);
                }
                catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    // The lease runs out and this or another server takes the run again.
                    LogRunFailed(logger, lease.RunId, e.GetType().Name, e.Message);
                }
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogRoundFailed(logger, "runs", e.GetType().Name, e.Message);
        }
    }

    [LoggerMessage(EventId = 7420, Level = LogLevel.Warning, Message = "Pipeline coordinator: the round over {What} failed ({Error}): {Reason}; the next round tries again")]
    private static partial void LogRoundFailed(ILogger logger, string what, string error, string reason);

    [LoggerMessage(EventId = 7421, Level = LogLevel.Warning, Message = "Pipeline run {RunId}: the pass failed ({Error}): {Reason}; the run is taken up again when its lease runs out")]
    private static partial void LogRunFailed(ILogger logger, string runId, string error, string reason);
}
