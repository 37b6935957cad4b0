using System.Runtime.CompilerServices;
using Nightshift.Core.Events;
using Nightshift.Core.Tasks;

namespace Nightshift.Cli.Api;

/// <summary>
/// Follows a task's events until the task ends, reconnecting with <c>Last-Event-ID</c> when the stream drops
/// so no event is missed or shown twice.
/// </summary>
internal static class EventFollower
{
    public const int MaxReconnects = 5;

    public static IAsyncEnumerable<ApiEvent> FollowAsync(
        NightshiftApiClient client,
        string taskId,
        long after,
        TimeProvider time,
        CancellationToken cancellationToken = default) =>
        FollowAsync(client, new EventStreamSource(
            "the event stream",
            (last, ct) => client.StreamEventsAsync(taskId, last, ct),
            e => e.IsFinal,
            async ct => (await TryGetStatusAsync(client, taskId, ct))?.IsTerminal() == true,
            (last, ct) => client.GetEventsAsync(taskId, last, 1000, ct)), after, time, cancellationToken);

    /// <summary>Follows a pipeline run's own events (<c>run.*</c>, <c>step.*</c>) until its final event, the same way.</summary>
    public static IAsyncEnumerable<ApiEvent> FollowRunAsync(
        NightshiftApiClient client,
        string runId,
        TimeProvider time,
        CancellationToken cancellationToken = default) =>
        FollowAsync(client, new EventStreamSource(
            "the run's event stream",
            (last, ct) => client.StreamRunEventsAsync(runId, last, ct),
            e => e.Type is EventTypes.RunSucceeded or EventTypes.RunNeedsReview or EventTypes.RunFailed or EventTypes.RunCancelled,
            async ct => await TryGetRunStateAsync(client, runId, ct) is "succeeded" or "needs_review" or "failed" or "cancelled",
            (last, ct) => client.GetRunEventsAsync(runId, last, 1000, ct)), 0, time, cancellationToken);

    private static async IAsyncEnumerable<ApiEvent> FollowAsync(
        NightshiftApiClient client,
        EventStreamSource source,
        long after,
        TimeProvider time,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var last = after;
        var failures = 0;
        while (true)
        {
            var sawFinal = false;
            Exception? dropped = null;
            var events = source.Stream(last, cancellationToken).GetAsyncEnumerator(cancellationToken);
            try
            {
                while (true)
                {
                    bool more;
                    try
                    {
                        more = await events.MoveNextAsync();
                    }
                    catch (Exception error) when (IsDrop(error) && !cancellationToken.IsCancellationRequested)
                    {
                        dropped = error;
                        break;
                    }
                    if (!more)
                    {
                        break;
                    }
                    var next = events.Current;
                    if (next.Seq <= last)
                    {
                        continue;
                    }
                    last = next.Seq;
                    failures = 0;
                    sawFinal |= source.IsFinal(next);
                    yield return next;
                }
            }
            finally
            {
                await events.DisposeAsync();
            }
            if (sawFinal)
            {
                yield break;
            }
            // The server ends the stream after the final event; anything else (restart, proxy timeout) is a drop.
            if (dropped is null && await source.HasEndedAsync(cancellationToken))
            {
                // The final event may have been appended between the stream's end and this look: fetch what is left.
                foreach (var rest in await source.RestAsync(last, cancellationToken))
                {
                    if (rest.Seq > last)
                    {
                        last = rest.Seq;
                        yield return rest;
                    }
                }
                yield break;
            }
            failures++;
            if (failures > MaxReconnects)
            {
                throw dropped as ServerUnreachableException
                    ?? new ServerUnreachableException(client.Connection.BaseUrl, client.Connection.UrlSource, $"{source.What} dropped {MaxReconnects} times in a row", dropped);
            }
            var pause = TimeSpan.FromMilliseconds(Math.Min(3000, 200 * (1 << failures)));
            await Task.Delay(pause, time, cancellationToken);
        }
    }

    private static async Task<string?> TryGetRunStateAsync(NightshiftApiClient client, string runId, CancellationToken cancellationToken)
    {
        try
        {
            return Commands.Webhooks.WebhookJson.Text(await client.GetRunAsync(runId, cancellationToken), "state");
        }
        catch (ServerUnreachableException)
        {
            return null;
        }
    }

    private static async Task<TaskState?> TryGetStatusAsync(NightshiftApiClient client, string taskId, CancellationToken cancellationToken)
    {
        try
        {
            return (await client.GetTaskAsync(taskId, cancellationToken)).Task.Status;
        }
        catch (ServerUnreachableException)
        {
            return null;
        }
    }

    private static bool IsDrop(Exception error) =>
        error is ServerUnreachableException or HttpRequestException or IOException;
}
