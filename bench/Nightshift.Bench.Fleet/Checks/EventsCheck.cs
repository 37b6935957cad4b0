using Nightshift.Bench.Fleet.Contracts;
using Nightshift.Core.Events;

namespace Nightshift.Bench.Fleet.Checks;

/// <summary>
/// <c>events</c>: each task's event log is whole and in order. Its events are numbered 1, 2, … up to the task's
/// <c>last_seq</c> with no number missing or repeated, their times never go back by more than
/// <see cref="ClockTolerance"/>, and the first is <c>task.queued</c>. The order of a task's events is their number:
/// each writer stamps an event with its own clock before the store numbers it under the task's row lock, so two
/// writers of one task at once (parallel subtasks, or another machine's worker) may stamp a later-numbered event a few
/// milliseconds earlier. That is not a reordering; a step back of more than a second is reported.
/// </summary>
public static class EventsCheck
{
    /// <summary>How far an event's time may be before the previous one's (concurrent writers' clocks) without a violation.</summary>
    public static readonly TimeSpan ClockTolerance = TimeSpan.FromSeconds(1);

    public static IEnumerable<Finding> Run(IReadOnlyList<FleetTask> tasks, StoreSnapshot store)
    {
        foreach (var task in tasks)
        {
            if (!store.Tasks.TryGetValue(task.Id, out var stored))
            {
                continue;
            }
            if (Problem(stored, store.EventsOf(task.Id)) is { } problem)
            {
                yield return new Finding(CheckNames.Events, $"{task.Spec.Marker} ({task.Id}): {problem}", task.Id);
            }
        }
    }

    private static string? Problem(StoredTask stored, IReadOnlyList<StoredEvent> events)
    {
        if (events.Count == 0)
        {
            return "it has no events";
        }
        if (events[0].Type != EventTypes.TaskQueued)
        {
            return $"its first event is {events[0].Type} #{events[0].Seq}, not {EventTypes.TaskQueued}";
        }
        var expected = 1L;
        var problems = new List<string>();
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            if (e.Seq < expected)
            {
                problems.Add($"#{e.Seq} ({e.Type}) repeats a number");
            }
            else if (e.Seq > expected)
            {
                problems.Add(e.Seq == expected + 1 ? $"#{expected} is missing" : $"#{expected}..#{e.Seq - 1} are missing");
            }
            expected = Math.Max(expected, e.Seq + 1);
            if (i > 0 && e.Time < events[i - 1].Time - (long)ClockTolerance.TotalMilliseconds)
            {
                problems.Add($"#{e.Seq} ({e.Type}) at {Times.Format(e.Time)} is earlier than #{events[i - 1].Seq} at {Times.Format(events[i - 1].Time)}");
            }
        }
        if (expected - 1 != stored.LastSeq)
        {
            problems.Add($"the events end at #{expected - 1} but last_seq is {stored.LastSeq}");
        }
        return problems.Count == 0 ? null : string.Join("; ", problems.Take(5)) + (problems.Count > 5 ? $"; and {problems.Count - 5} more" : "");
    }
}
