using Nightshift.Bench.Fleet.Contracts;

namespace Nightshift.Bench.Fleet.Checks;

/// <summary>
/// <c>leftovers</c>: nothing was left behind on the host after the workers' final graceful stop. No process that
/// descended from a worker (a jail, a command) is still alive, and no worktree folder is left under a worker's data
/// folder for a task that succeeded or for no task of the run. Worktrees of tasks that ended any other way (failed,
/// cancelled, timed out, needs review, dead) are kept on purpose for a person to look at, and are not flagged.
/// </summary>
public static class LeftoversCheck
{
    public static IEnumerable<Finding> Run(HostLeftovers leftovers, IReadOnlyList<FleetTask> tasks, StoreSnapshot store)
    {
        foreach (var process in leftovers.Processes)
        {
            yield return new Finding(CheckNames.Leftovers, $"process {process.ProcessId} of {process.Worker} is still alive after the final stop: {process.CommandLine}", []);
        }
        var known = tasks.Select(t => t.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var worktree in leftovers.Worktrees)
        {
            if (worktree.TaskId is null || !known.Contains(worktree.TaskId) || !store.Tasks.TryGetValue(worktree.TaskId, out var stored))
            {
                yield return new Finding(CheckNames.Leftovers, $"a worktree of {worktree.Worker} belongs to no task of the run: {worktree.Path}", worktree.TaskId is null ? [] : [worktree.TaskId]);
            }
            else if (stored.Status == "succeeded")
            {
                yield return new Finding(CheckNames.Leftovers, $"{worktree.TaskId} succeeded but its worktree is still on {worktree.Worker}: {worktree.Path}", worktree.TaskId);
            }
        }
    }
}
