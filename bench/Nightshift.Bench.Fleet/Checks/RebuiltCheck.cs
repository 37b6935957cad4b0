using Nightshift.Bench.Fleet.Contracts;
using Nightshift.Core.Events;

namespace Nightshift.Bench.Fleet.Checks;

/// <summary>
/// <c>rebuilt</c>: no subtask was built again after its checkpoint. Once a task's <c>subtask.completed</c> event for a
/// subtask is stored (its data's <c>id</c> names the subtask), the model server must not see another request starting
/// that subtask's build (a <see cref="ModelCallKind.BuildStart"/> call for the same task marker and subtask, answered or
/// not) later than that event. Such a task counts as duplicated.
/// </summary>
public static class RebuiltCheck
{
    public static IEnumerable<Finding> Run(IReadOnlyList<FleetTask> tasks, IReadOnlyList<ModelCall> calls, StoreSnapshot store)
    {
        var starts = calls
            .Where(c => c.Kind == ModelCallKind.BuildStart && c.Marker is not null && c.Subtask is not null)
            .ToLookup(c => (c.Marker!, c.Subtask!));
        foreach (var task in tasks)
        {
            var completed = store.EventsOf(task.Id)
                .Where(e => e.Type == EventTypes.SubtaskCompleted)
                .Select(e => (Id: e.Text("id"), e.Time))
                .Where(e => e.Id is not null)
                .GroupBy(e => e.Id!, StringComparer.Ordinal)
                .Select(g => (Id: g.Key, Time: g.Min(e => e.Time)));
            foreach (var (subtask, time) in completed)
            {
                var later = starts[(task.Spec.Marker, subtask)].Where(c => c.At.ToUnixTimeMilliseconds() > time).OrderBy(c => c.At).ToList();
                if (later.Count > 0)
                {
                    yield return new Finding(
                        CheckNames.Rebuilt,
                        $"{task.Spec.Marker} ({task.Id}): subtask {subtask} was completed at {Times.Format(time)} but built again after it ({string.Join(", ", later.Select(c => $"{c.Stamp} at {c.At:HH:mm:ss.fff}"))})",
                        task.Id,
                        Harm.Duplicated);
                }
            }
        }
    }
}

/// <summary>Unix milliseconds for people.</summary>
public static class Times
{
    public static string Format(long unixMs) => DateTimeOffset.FromUnixTimeMilliseconds(unixMs).ToString("HH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture);
}
