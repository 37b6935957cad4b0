using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Nightshift.Workspaces;

/// <summary>
/// Runs <see cref="WorkspaceCollector"/> at start, every <see cref="WorkspaceOptions.CollectInterval"/> and once more on a graceful stop: what a
/// worker left behind before a restart (worktrees of tasks that ended elsewhere meanwhile) goes at once.
/// </summary>
internal sealed partial class WorkspaceCollectorService(
    WorkspaceCollector collector,
    IOptions<WorkspaceOptions> options,
    TimeProvider timeProvider,
    ILogger<WorkspaceCollectorService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.CollectInterval;
        if (interval <= TimeSpan.Zero)
        {
            return;
        }
        using var timer = new PeriodicTimer(interval, timeProvider);
        try
        {
            // Let the host finish starting first; then collect once, and at every tick.
            await Task.Yield();
            do
            {
                try
                {
                    await collector.CollectAsync(stoppingToken);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or WorkspaceException)
                {
                    LogFailed(logger, e);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Host shutting down.
        }
    }

    /// <summary>
    /// One last pass on a graceful stop (bounded to <see cref="LastPassBound"/>): a worktree this worker kept for a task
    /// that meanwhile ended on another worker (it was paused past its lease, say) goes now rather than at its next start.
    /// What it still holds or may resume is kept, as in every pass.
    /// </summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (options.Value.CollectInterval <= TimeSpan.Zero)
        {
            return;
        }
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(LastPassBound);
        try
        {
            await collector.CollectAsync(bound.Token);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or WorkspaceException or OperationCanceledException)
        {
            LogFailed(logger, e);
        }
    }

    /// <summary>The longest the last pass on a stop may take.</summary>
    private static readonly TimeSpan LastPassBound = TimeSpan.FromSeconds(10);

    [LoggerMessage(EventId = 4122, Level = LogLevel.Warning, Message = "workspace collection failed; it will be tried again at the next interval")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
