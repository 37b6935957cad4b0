using Nightshift.Core.Planning;
using Nightshift.Workspaces;

namespace Nightshift.Agent.Execution;

/// <summary>
/// Builds subtasks one at a time in the task's own worktree, in <see cref="PlanGraph.TopologicalOrder"/>, committing
/// each there through <see cref="SubtaskSchedule.Commit"/>; stops after the first one that does not succeed.
/// </summary>
public sealed class SequentialSubtaskScheduler : ISubtaskScheduler
{
    public async Task<IReadOnlyList<SubtaskResult>> RunAsync(SubtaskSchedule schedule, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        var order = PlanGraph.TopologicalOrder(schedule.Plan);
        var fingerprints = PlanFingerprints.Compute(schedule.Plan);
        var journal = schedule.Journal;
        var results = new List<SubtaskResult>();
        foreach (var subtask in order)
        {
            var fingerprint = fingerprints[subtask.Id];
            if (schedule.Earlier.TryGetValue(subtask.Id, out var earlier) && earlier.Status == SubtaskState.Completed && earlier.Fingerprint == fingerprint)
            {
                await journal.RecordAsync(earlier with { Status = SubtaskState.Reused }, null, cancellationToken);
                continue;
            }
            cancellationToken.ThrowIfCancellationRequested();
            var work = new SubtaskWork(subtask, fingerprint, schedule.Workspace, SubtaskIsolation.TaskWorktree);
            await journal.StartedAsync(work, cancellationToken);
            var result = SubtaskResult.FromBuilder(await schedule.Build(work, cancellationToken), work);
            CommitResult? commit = null;
            // What an agent that stopped early changed is committed too: the next attempt or a person takes it from there.
            if (schedule.Commit is { } commitWork)
            {
                commit = await commitWork(work, result, cancellationToken);
                result = result with { Commit = commit?.Commit };
            }
            await journal.RecordAsync(result, commit, cancellationToken);
            results.Add(result);
            if (!result.Succeeded)
            {
                break;
            }
        }
        return results;
    }
}
