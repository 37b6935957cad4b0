using Microsoft.Extensions.Options;
using Nightshift.Storage;
using Nightshift.Storage.Outbound;

namespace Nightshift.Server.Outbound.Notifications;

/// <summary>
/// At start, makes the store's configuration-managed endpoints exactly those <c>Notifications</c> declares: a changed
/// settings file shows at the next start, and a list removed from it goes away (with its deliveries). Endpoints made
/// through the API are untouched.
/// </summary>
/// <remarks>
/// Takes the store as <see cref="INightshiftStore"/>: the container disposes what a factory registration hands out, and
/// <see cref="IOutboundStore"/> is registered as a factory over the same instance, so resolving it would have the store
/// disposed twice at shutdown (which the PostgreSQL store's listener does not survive).
/// </remarks>
internal sealed partial class ConfiguredEndpointSync(
    INightshiftStore store,
    IOptions<NotificationOptions> options,
    ILogger<ConfiguredEndpointSync> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var endpoints = ConfiguredEndpoints.From(options.Value);
        try
        {
            await store.SyncConfiguredEndpointsAsync(endpoints, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogSyncFailed(logger, ex);
            throw;
        }
        LogSynced(logger, endpoints.Count(e => e.Channel == OutboundChannel.Email), endpoints.Any(e => e.Channel == OutboundChannel.Slack) ? "on" : "off");
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 3444, Level = LogLevel.Information, Message = "Notifications from the settings: {EmailLists} email recipient lists, chat {Chat}")]
    private static partial void LogSynced(ILogger logger, int emailLists, string chat);

    [LoggerMessage(EventId = 3445, Level = LogLevel.Error, Message = "Could not store the notification endpoints from the Notifications settings; fix the store or the settings and start again")]
    private static partial void LogSyncFailed(ILogger logger, Exception exception);
}
