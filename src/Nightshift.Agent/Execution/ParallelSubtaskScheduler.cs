using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nightshift.Agent.Dag;
using Nightshift.Core.Planning;
using Nightshift.Workspaces.Subtasks;

namespace Nightshift.Agent.Execution;

/// <summary>
/// Builds independent subtasks at the same time through <see cref="DagRunner"/>: wave by wave, each subtask of a wave
/// in a worktree of its own from the task branch's current commit, then merged into the task branch in a fixed order,
/// a conflict handed to <see cref="SubtaskSchedule.ResolveConflict"/>. A plan with no two subtasks in one wave (a
/// chain, or one subtask) gains nothing from worktrees and is built one after another in the task's own worktree, like
/// <see cref="SequentialSubtaskScheduler"/> does. Both report through the same <see cref="SubtaskJournal"/>.
/// </summary>
/// <remarks>
/// A subtask worktree is a fresh checkout: files the repository's setup made in the task's worktree (node_modules,
/// build output) are not in it. The executor runs the setup commands again in each subtask worktree; package caches
/// are shared through the task's own cache folder, so that is mostly a local copy.
/// </remarks>
internal sealed class ParallelSubtaskScheduler(ISubtaskWorkspaces workspaces, IOptions<DagOptions> options, ILogger<ParallelSubtaskScheduler> logger) : ISubtaskScheduler
{
    private readonly SequentialSubtaskScheduler _sequential = new();

    public async Task<IReadOnlyList<SubtaskResult>> RunAsync(SubtaskSchedule schedule, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        if (!HasParallelWave(schedule.Plan))
        {
            return await _sequential.RunAsync(schedule, cancellationToken);
        }

        var journal = schedule.Journal;
        var runner = new DagRunner(workspaces, options.Value, logger);
        var request = new DagRequest(
            schedule.Workspace,
            schedule.Plan,
            schedule.Earlier,
            schedule.Build,
            schedule.ResolveConflict ?? ((_, _) => Task.FromResult(false)),
            journal.StartedAsync,
            (result, token) => journal.RecordAsync(result, null, token))
        {
            Author = schedule.Author,
        };
        var result = await runner.RunAsync(request, cancellationToken);

        // Reused subtasks are left out, as the sequential scheduler leaves them out.
        return [.. result.Subtasks.Where(s => s.Status != SubtaskState.Reused)];
    }

    /// <summary>True when some wave of the plan holds two or more subtasks, so building them apart can save time.</summary>
    internal static bool HasParallelWave(Plan plan) => PlanGraph.Waves(plan).Any(w => w.Count > 1);
}
