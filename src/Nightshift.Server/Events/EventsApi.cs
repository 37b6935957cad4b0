using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Nightshift.Core.Errors;
using Nightshift.Core.Teams;
using Nightshift.Server.Api;
using Nightshift.Server.Auth;
using Nightshift.Server.Metrics;
using Nightshift.Storage;

namespace Nightshift.Server.Events;

/// <summary><c>GET /api/v1/tasks/{id}/events</c>: Server-Sent Events for <c>text/event-stream</c>, else a JSON array.</summary>
internal static class EventsApi
{
    public const int MaxPage = 1_000;

    public static RouteHandlerBuilder MapEventsApi(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/v1/tasks/{id}/events", ReadAsync)
            .WithTags("events")
            .WithName("GetTaskEvents")
            .Produces<EventView[]>(StatusCodes.Status200OK, "application/json")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream")
            .RequireScope(Scopes.TasksRead);

    private static async Task<IResult> ReadAsync(
        string id,
        string? after,
        string? limit,
        HttpContext context,
        INightshiftStore store,
        TaskEventHub hub,
        ServerMetrics metrics,
        IOptions<SseOptions> sseOptions,
        IHostApplicationLifetime lifetime,
        TimeProvider timeProvider)
    {
        TaskService.EnsureWellFormed(id);
        var wantsStream = AcceptsEventStream(context.Request);
        var lastEventId = context.Request.Headers["Last-Event-ID"].ToString();
        var afterSequence = ParseSequence(
            wantsStream && !string.IsNullOrWhiteSpace(lastEventId) ? lastEventId : after,
            wantsStream && !string.IsNullOrWhiteSpace(lastEventId) ? "Last-Event-ID" : "after");

        _ = await store.FindInOrgAsync(context.Caller().OrgId, id, context.RequestAborted) ?? throw new TaskNotFoundException(id);

        if (!wantsStream)
        {
            var size = ParseLimit(limit);
            var events = await store.ReadEventsAsync(id, afterSequence, size, context.RequestAborted);
            return TypedResults.Ok(events.Select(EventView.From).ToArray());
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        var stream = new SseStream(context.Response, timeProvider, sseOptions.Value.HeartbeatInterval, metrics);
        await stream.RunAsync(hub.SubscribeAsync(id, afterSequence, stop.Token), stop.Token);
        return EmptyHttpResult.Instance;
    }

    private static bool AcceptsEventStream(HttpRequest request) =>
        request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals("text/event-stream", StringComparison.OrdinalIgnoreCase));

    private static long ParseSequence(string? value, string name)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return 0;
        }
        if (!long.TryParse(value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var sequence))
        {
            throw new ValidationException(name, $"must be the sequence number of an event already received (a whole number from 0), not '{Shorten(value)}'");
        }
        return sequence;
    }

    private static int ParseLimit(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return MaxPage;
        }
        if (!int.TryParse(value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var size) || size is < 1 or > MaxPage)
        {
            throw new ValidationException("limit", $"'{Shorten(value)}' is not a page size; use a whole number from 1 to {MaxPage}");
        }
        return size;
    }

    private static string Shorten(string value) => value.Length <= 40 ? value : value[..40] + "…";
}
