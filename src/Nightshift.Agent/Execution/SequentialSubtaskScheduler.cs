using Nightshift.Core.Planning;

namespace Nightshift.Agent.Execution;

/// <summary>Builds subtasks one at a time in the task's own worktree, in <see cref="PlanGraph.TopologicalOrder"/>.</summary>
public sealed class SequentialSubtaskScheduler : ISubtaskScheduler
{
    public async Task<IReadOnlyList<SubtaskOutcome>> RunAsync(SubtaskSchedule schedule, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        var outcomes = new List<SubtaskOutcome>();
        foreach (var subtask in PlanGraph.TopologicalOrder(schedule.Plan))
        {
            if (schedule.Finished.Contains(subtask.Id))
            {
                continue;
            }
            cancellationToken.ThrowIfCancellationRequested();
            var outcome = await schedule.Build(subtask, schedule.Workspace, cancellationToken);
            outcomes.Add(outcome);
            if (!outcome.Succeeded)
            {
                break;
            }
        }
        return outcomes;
    }
}
