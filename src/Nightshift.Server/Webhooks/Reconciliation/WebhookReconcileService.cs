using Microsoft.Extensions.Options;

namespace Nightshift.Server.Webhooks.Reconciliation;

/// <summary>Runs a reconciliation round at start and every <c>Webhooks:ReconcileMinutes</c>; a round that fails is logged and the next one tries again.</summary>
internal sealed partial class WebhookReconcileService(
    WebhookReconciler reconciler,
    IOptions<ReconcileOptions> options,
    TimeProvider time,
    ILogger<WebhookReconcileService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var minutes = options.Value.ReconcileMinutes;
        if (minutes <= 0)
        {
            return;
        }
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(minutes), time);
        try
        {
            do
            {
                try
                {
                    await reconciler.RunOnceAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogRoundFailed(logger, e.GetType().Name, e.Message);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(EventId = 7254, Level = LogLevel.Warning, Message = "reconciliation round failed ({Error}): {Reason}; the next round tries again")]
    private static partial void LogRoundFailed(ILogger logger, string error, string reason);
}
