using Nightshift.Bench.Fleet.Contracts;

namespace Nightshift.Bench.Fleet.Checks;

/// <summary>
/// <c>ended</c>: every submitted task ended in exactly one terminal state. Its stored status is terminal (succeeded,
/// failed, cancelled, timed_out, needs_review or dead), it has exactly one terminal event and that event is its last
/// one and names the same status, and the status the harness saw through the API agrees with the store. A task that
/// is missing from the store, never ended, or that the harness never saw end is counted as lost.
/// </summary>
public static class EndedCheck
{
    public static IEnumerable<Finding> Run(IReadOnlyList<FleetTask> tasks, StoreSnapshot store)
    {
        foreach (var task in tasks)
        {
            if (!store.Tasks.TryGetValue(task.Id, out var stored))
            {
                yield return new Finding(CheckNames.Ended, $"{task.Spec.Marker} ({task.Id}) is not in the store at all", task.Id, Harm.Lost);
                continue;
            }
            if (!TerminalEvents.IsTerminalStatus(stored.Status))
            {
                yield return new Finding(CheckNames.Ended, $"{task.Spec.Marker} ({task.Id}) never ended: its status is still {stored.Status}", task.Id, Harm.Lost);
                continue;
            }
            var events = store.EventsOf(task.Id);
            var terminal = events.Where(e => TerminalEvents.Is(e.Type)).ToList();
            if (terminal.Count != 1)
            {
                var listed = terminal.Count == 0 ? "none" : string.Join(", ", terminal.Select(e => $"{e.Type} #{e.Seq}"));
                yield return new Finding(CheckNames.Ended, $"{task.Spec.Marker} ({task.Id}) has {terminal.Count} terminal events ({listed}) where exactly one belongs", task.Id);
            }
            else if (terminal[0].Seq != events[^1].Seq)
            {
                yield return new Finding(CheckNames.Ended, $"{task.Spec.Marker} ({task.Id}) has events after its terminal {terminal[0].Type} #{terminal[0].Seq}: the last is {events[^1].Type} #{events[^1].Seq}", task.Id);
            }
            else if (terminal[0].Type != "task." + stored.Status)
            {
                yield return new Finding(CheckNames.Ended, $"{task.Spec.Marker} ({task.Id}) ended with {terminal[0].Type} but its status is {stored.Status}", task.Id);
            }
            if (task.FinalStatus is null)
            {
                yield return new Finding(CheckNames.Ended, $"{task.Spec.Marker} ({task.Id}) is {stored.Status} in the store, but the harness never saw it end through the API", task.Id, Harm.Lost);
            }
            else if (!string.Equals(task.FinalStatus, stored.Status, StringComparison.OrdinalIgnoreCase))
            {
                yield return new Finding(CheckNames.Ended, $"{task.Spec.Marker} ({task.Id}): the API reported {task.FinalStatus} but the store says {stored.Status}", task.Id);
            }
        }
    }
}
