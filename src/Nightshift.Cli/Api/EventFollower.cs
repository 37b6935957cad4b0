using System.Runtime.CompilerServices;
using Nightshift.Core.Tasks;

namespace Nightshift.Cli.Api;

/// <summary>
/// Follows a task's events until the task ends, reconnecting with <c>Last-Event-ID</c> when the stream drops
/// so no event is missed or shown twice.
/// </summary>
internal static class EventFollower
{
    public const int MaxReconnects = 5;

    public static async IAsyncEnumerable<ApiEvent> FollowAsync(
        NightshiftApiClient client,
        string taskId,
        long after,
        TimeProvider time,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var last = after;
        var failures = 0;
        while (true)
        {
            var sawFinal = false;
            Exception? dropped = null;
            var events = client.StreamEventsAsync(taskId, last, cancellationToken).GetAsyncEnumerator(cancellationToken);
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
                    sawFinal |= next.IsFinal;
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
            if (dropped is null)
            {
                // The server ends the stream after the final event; anything else (restart, proxy timeout) is a drop.
                var status = await TryGetStatusAsync(client, taskId, cancellationToken);
                if (status?.IsTerminal() == true)
                {
                    // The final event may have been appended between the stream's end and this look: fetch what is left.
                    foreach (var rest in await client.GetEventsAsync(taskId, last, 1000, cancellationToken))
                    {
                        if (rest.Seq > last)
                        {
                            last = rest.Seq;
                            yield return rest;
                        }
                    }
                    yield break;
                }
            }
            failures++;
            if (failures > MaxReconnects)
            {
                throw dropped as ServerUnreachableException
                    ?? new ServerUnreachableException(client.Connection.BaseUrl, client.Connection.UrlSource, $"the event stream dropped {MaxReconnects} times in a row", dropped);
            }
            var pause = TimeSpan.FromMilliseconds(Math.Min(3000, 200 * (1 << failures)));
            await Task.Delay(pause, time, cancellationToken);
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
