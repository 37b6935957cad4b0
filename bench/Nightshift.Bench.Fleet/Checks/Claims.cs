using System.Text.Json;
using Nightshift.Bench.Fleet.Contracts;
using Nightshift.Core.Events;

namespace Nightshift.Bench.Fleet.Checks;

/// <summary>One claim: a task started (an attempt began) at <paramref name="At"/>, <paramref name="LatencyMs"/> after it became claimable.</summary>
public sealed record Claim(string TaskId, long At, double LatencyMs);

/// <summary>
/// Queue latency: how long a claimable task waited for a worker. A task becomes claimable at <c>task.queued</c>, at a
/// <c>task.retrying</c> (at its <c>runAfter</c>, the end of its backoff, when that is later), at <c>task.released</c>
/// (a draining worker gave it back), at <c>plan.approved</c> and at <c>task.answered</c>; each <c>task.started</c> is
/// paired with the latest such moment since the previous start. Throughput: tasks that ended in a window per minute of it.
/// </summary>
public static class Claims
{
    private static readonly HashSet<string> Requeues = new(StringComparer.Ordinal)
    {
        EventTypes.TaskQueued, EventTypes.TaskRetrying, EventTypes.TaskReleased, EventTypes.PlanApproved, EventTypes.TaskAnswered,
    };

    public static IReadOnlyList<Claim> Of(StoreSnapshot store)
    {
        var claims = new List<Claim>();
        foreach (var (taskId, events) in store.Events)
        {
            long? claimable = null;
            foreach (var stored in events)
            {
                if (stored.Type == EventTypes.TaskStarted)
                {
                    if (claimable is { } since)
                    {
                        claims.Add(new Claim(taskId, stored.Time, Math.Max(0, stored.Time - since)));
                    }
                    claimable = null;
                }
                else if (Requeues.Contains(stored.Type))
                {
                    claimable = Math.Max(stored.Time, RunAfter(stored) ?? stored.Time);
                }
            }
        }
        return claims;
    }

    /// <summary>Latency of the claims made in [<paramref name="from"/>, <paramref name="to"/>) and the tasks that finished in it per minute.</summary>
    public static LatencyFigures Figures(IReadOnlyList<Claim> claims, StoreSnapshot store, long from, long to)
    {
        var latencies = claims.Where(c => c.At >= from && c.At < to).Select(c => c.LatencyMs).ToList();
        var ended = store.Tasks.Values.Count(t => t.FinishedAt is { } f && f >= from && f < to && TerminalEvents.IsTerminalStatus(t.Status));
        var minutes = (to - from) / 60_000.0;
        return new LatencyFigures(
            latencies.Count,
            Percentiles.Of(latencies, 50),
            Percentiles.Of(latencies, 99),
            latencies.Count == 0 ? 0 : latencies.Max(),
            minutes <= 0 ? 0 : ended / minutes);
    }

    private static long? RunAfter(StoredEvent stored) =>
        stored.Type == EventTypes.TaskRetrying
        && stored.Json() is { } json
        && json.TryGetProperty("runAfter", out var value)
        && value.ValueKind == JsonValueKind.String
        && value.TryGetDateTimeOffset(out var at)
            ? at.ToUnixTimeMilliseconds()
            : null;
}
