using System.Globalization;
using System.Text.Json;
using Nightshift.Bench.Fleet.Contracts;
using Nightshift.Core.Events;
using Nightshift.Core.Tasks;

namespace Nightshift.Bench.Fleet.Checks;

/// <summary>
/// One attempt of a task, as its events tell it: the <c>task.started</c> event that began it (its sequence number and
/// time), the worker label that held the lease (from the started event's <c>worker</c>, <c>machine:pid:slot</c>, whose pid
/// is mapped to a <see cref="WorkerInfo"/>; null when the pid is not one of the run's workers), and when the lease was
/// given up: the first <c>task.retrying</c>, <c>task.released</c> or terminal event after it (null while none).
/// </summary>
public sealed record Attempt(int Number, long StartSeq, long StartedAt, string? Worker, string? Label, long? EndedAt)
{
    /// <summary>Whether <paramref name="unixMs"/> falls while this attempt held the lease.</summary>
    public bool Holds(long unixMs) => unixMs >= StartedAt && (EndedAt is null || unixMs <= EndedAt);
}

/// <summary>Splits a task's events into its attempts.</summary>
public static class Attempts
{
    private static readonly HashSet<string> LeaseEnds = new(StringComparer.Ordinal) { EventTypes.TaskRetrying, EventTypes.TaskReleased };

    public static IReadOnlyList<Attempt> Of(IReadOnlyList<StoredEvent> events, IReadOnlyList<WorkerInfo> workers)
    {
        var attempts = new List<Attempt>();
        Attempt? open = null;
        foreach (var stored in events)
        {
            if (stored.Type == EventTypes.TaskStarted)
            {
                if (open is not null)
                {
                    attempts.Add(open with { EndedAt = open.EndedAt ?? stored.Time });
                }
                var worker = stored.Text("worker");
                var number = stored.Json() is { } json && json.TryGetProperty("attempt", out var a) && a.ValueKind == JsonValueKind.Number ? a.GetInt32() : attempts.Count + 1;
                open = new Attempt(number, stored.Seq, stored.Time, worker, LabelOf(worker, workers), null);
            }
            else if (open is not null && open.EndedAt is null && (LeaseEnds.Contains(stored.Type) || TerminalEvents.Is(stored.Type)))
            {
                open = open with { EndedAt = stored.Time };
            }
        }
        if (open is not null)
        {
            attempts.Add(open);
        }
        return attempts;
    }

    /// <summary>
    /// The label of the worker process named by a lease owner (<c>machine:pid:slot</c>, or <c>machine@token:pid:slot</c>
    /// where the token names the worker's data folder), or null when no worker of the run had that pid.
    /// </summary>
    public static string? LabelOf(string? leaseOwner, IReadOnlyList<WorkerInfo> workers)
    {
        if (leaseOwner is null)
        {
            return null;
        }
        // The machine name holds no colon, so the pid is always the second field.
        var parts = leaseOwner.Split(':');
        if (parts.Length < 3 || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
        {
            return null;
        }
        return workers.FirstOrDefault(w => w.ProcessId == pid)?.Label;
    }
}

/// <summary>The event types that end a task, one per terminal status (<c>task.{status}</c>).</summary>
public static class TerminalEvents
{
    public static readonly IReadOnlySet<string> Types = new HashSet<string>(StringComparer.Ordinal)
    {
        EventTypes.TaskSucceeded, EventTypes.TaskFailed, EventTypes.TaskCancelled, EventTypes.TaskTimedOut, EventTypes.TaskNeedsReview, EventTypes.TaskDead,
    };

    public static bool Is(string type) => Types.Contains(type);

    /// <summary>Whether a stored status is one a task ends in.</summary>
    public static bool IsTerminalStatus(string? status) => TaskStateNames.TryParseStatus(status, out var state) && state.IsTerminal();
}
