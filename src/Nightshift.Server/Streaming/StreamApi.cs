using System.Net.WebSockets;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Nightshift.Core.Teams;
using Nightshift.Server.Auth;
using Nightshift.Server.Events;
using Nightshift.Server.Problems;
using Nightshift.Storage;

namespace Nightshift.Server.Streaming;

/// <summary>
/// <c>GET /api/v1/stream</c>: a WebSocket carrying the events of many tasks, a repository's or all of them (see
/// docs/stream.md), of the caller's organisation only. The bearer token or the dashboard's session cookie lets it in (as for
/// every API read); a connection that came with the cookie alone must come from this server's own pages.
/// </summary>
internal static partial class StreamApi
{
    public const string Path = "/api/v1/stream";

    public static RouteHandlerBuilder MapStreamApi(this IEndpointRouteBuilder app) =>
        app.MapGet(Path, AcceptAsync)
            .WithTags("events")
            .WithName("OpenEventStream")
            .Produces(StatusCodes.Status101SwitchingProtocols)
            .Produces(StatusCodes.Status400BadRequest, contentType: "application/problem+json")
            .Produces(StatusCodes.Status403Forbidden, contentType: "application/problem+json")
            .Produces(StatusCodes.Status503ServiceUnavailable, contentType: "application/problem+json")
            .RequireScope(Scopes.TasksRead);

    private static async Task<IResult> AcceptAsync(
        HttpContext context,
        StreamHub hub,
        TaskEventHub events,
        INightshiftStore store,
        IOptions<StreamOptions> options,
        IHostApplicationLifetime lifetime,
        TimeProvider time,
        ILoggerFactory loggers)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            return Problem.Create(
                StatusCodes.Status400BadRequest,
                "Not a WebSocket request",
                $"{Path} is a WebSocket: open it with a WebSocket client (an HTTP GET with 'Connection: Upgrade' and 'Upgrade: websocket'); "
                + "for one task's events over plain HTTP use GET /api/v1/tasks/{id}/events");
        }
        if (IsForeignOrigin(context.Request))
        {
            return Problem.Create(
                StatusCodes.Status403Forbidden,
                "WebSocket from another site",
                "a connection signed in with the dashboard's cookie must come from this server's own pages; other programs send 'Authorization: Bearer <token>'");
        }
        var logger = loggers.CreateLogger(typeof(StreamConnection));
        if (!hub.TryEnter())
        {
            LogRefused(logger, options.Value.MaxConnections);
            return Problem.Create(
                StatusCodes.Status503ServiceUnavailable,
                "Too many stream connections",
                $"this server holds at most {options.Value.MaxConnections} stream connections (Stream:MaxConnections); try again later or raise the setting");
        }
        try
        {
            var settings = options.Value;
            using var socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext
            {
                KeepAliveInterval = settings.KeepAliveInterval,
                DangerousEnableCompression = false,
            });
            LogOpened(logger, hub.Connections);
            var connection = new StreamConnection(socket, hub, events, store, context.Caller().OrgId, settings, time, logger);
            await connection.RunAsync(lifetime.ApplicationStopping);
        }
        finally
        {
            hub.Leave();
        }
        return Results.Empty;
    }

    /// <summary>
    /// Browsers send the cookie with a WebSocket opened by any page of the same site (another port of the same host
    /// too), and a WebSocket is not held back by CORS: without a bearer token, the page must be this server's.
    /// </summary>
    private static bool IsForeignOrigin(HttpRequest request)
    {
        if (request.Headers.Authorization.Count > 0)
        {
            return false;
        }
        var origin = request.Headers[HeaderNames.Origin].ToString();
        if (string.IsNullOrEmpty(origin))
        {
            return false;
        }
        return !Uri.TryCreate(origin, UriKind.Absolute, out var uri)
            || !string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase)
            || !string.Equals(uri.Scheme, request.Scheme, StringComparison.OrdinalIgnoreCase);
    }

    [LoggerMessage(EventId = 3465, Level = LogLevel.Warning, Message = "Refused a stream connection: {MaxConnections} are open (Stream:MaxConnections)")]
    private static partial void LogRefused(ILogger logger, int maxConnections);

    [LoggerMessage(EventId = 3460, Level = LogLevel.Debug, Message = "Opened a stream connection ({Connections} open)")]
    private static partial void LogOpened(ILogger logger, int connections);
}
