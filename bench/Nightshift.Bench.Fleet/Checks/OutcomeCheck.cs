using Nightshift.Bench.Fleet.Contracts;

namespace Nightshift.Bench.Fleet.Checks;

/// <summary>
/// <c>outcome</c>: each task ended the way its kind should. Single, planned, approval and model-failure tasks end
/// succeeded (a model failure is retried and then succeeds); a task the harness cancels ends cancelled, or succeeded when
/// it had already finished before the harness asked to cancel it (or the harness never asked). Any other ending is a
/// violation that quotes the task's last error. Tasks that never ended are left to <c>ended</c>.
/// </summary>
public static class OutcomeCheck
{
    public static IEnumerable<Finding> Run(IReadOnlyList<FleetTask> tasks, StoreSnapshot store)
    {
        foreach (var task in tasks)
        {
            if (!store.Tasks.TryGetValue(task.Id, out var stored) || !TerminalEvents.IsTerminalStatus(stored.Status))
            {
                continue;
            }
            var expected = Expected(task, stored);
            if (!string.Equals(stored.Status, expected, StringComparison.Ordinal))
            {
                var error = string.IsNullOrWhiteSpace(stored.LastError) ? "no last error recorded" : $"last error: {stored.LastError}";
                yield return new Finding(CheckNames.Outcome, $"{task.Spec.Marker} ({task.Id}, {task.Spec.Kind}) ended {stored.Status}, expected {expected}; {error}", task.Id);
            }
        }
    }

    /// <summary>The status a task of its kind should end in, given when it finished and when the harness asked to cancel it.</summary>
    public static string Expected(FleetTask task, StoredTask stored)
    {
        if (task.Spec.Kind != FleetTaskKind.Cancel)
        {
            return "succeeded";
        }
        var finishedFirst = task.CancelRequestedAt is null
            || stored.FinishedAt is { } finished && finished <= task.CancelRequestedAt.Value.ToUnixTimeMilliseconds();
        return finishedFirst && stored.Status == "succeeded" ? "succeeded" : "cancelled";
    }
}
