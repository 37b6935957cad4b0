using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Nightshift.Workspaces;

/// <summary>
/// Runs <see cref="WorkspaceCollector"/> at start and every <see cref="WorkspaceOptions.CollectInterval"/>: what a
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

    [LoggerMessage(EventId = 4122, Level = LogLevel.Warning, Message = "workspace collection failed; it will be tried again at the next interval")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
