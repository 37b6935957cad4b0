using System.Text;
using Microsoft.Extensions.AI;
using Nightshift.Agent.Loop;
using Nightshift.Agent.Tools;
using Nightshift.Core.Events;
using Nightshift.Core.Planning;
using Nightshift.Core.Serialization;
using Nightshift.Core.Tasks;
using Nightshift.Workspaces;

namespace Nightshift.Agent.Execution;

public sealed partial class AgentTaskExecutor
{
    private const int MaxStoredSummary = 2_000;

    /// <summary>Builds the plan's unfinished subtasks through the scheduler, then records the build as done.</summary>
    private async Task BuildAsync(TaskAttempt attempt, CancellationToken cancellationToken)
    {
        var run = attempt.Run;
        var plan = attempt.Plan ?? throw new InvalidOperationException("building needs a plan; PlanAsync sets one");
        await run.SetPhaseAsync(TaskPhase.Building, cancellationToken);
        var fingerprints = PlanFingerprints.Compute(plan);
        var finished = attempt.Checkpoint.Subtasks
            .Where(p => p.Status == "completed" && fingerprints.GetValueOrDefault(p.Id) == p.Fingerprint)
            .ToDictionary(p => p.Id, StringComparer.Ordinal);
        foreach (var subtask in PlanGraph.TopologicalOrder(plan).Where(s => finished.ContainsKey(s.Id)))
        {
            await run.EmitAsync(EventTypes.SubtaskSkipped, NightshiftJson.Payload(new
            {
                id = subtask.Id,
                commit = finished[subtask.Id].Commit,
                reason = "finished by an earlier attempt (same fingerprint)",
            }), cancellationToken);
        }

        var outcomes = await scheduler.RunAsync(
            new SubtaskSchedule(plan, finished.Keys.ToHashSet(StringComparer.Ordinal), attempt.Workspace, (subtask, workspace, token) => BuildSubtaskAsync(attempt, subtask, workspace, token)),
            cancellationToken);

        var stopped = outcomes.FirstOrDefault(o => !o.Succeeded);
        var stopReason = stopped is null ? null : stopped.StopReason ?? $"subtask '{stopped.SubtaskId}' did not finish";
        await attempt.UpdateAsync(c => c with
        {
            Stage = "built",
            Summary = attempt.OneSubtaskMode ? outcomes.LastOrDefault()?.Summary ?? c.Summary : CompositeSummary(attempt.Task, plan, c.Subtasks),
            StopReason = stopReason,
        }, cancellationToken);
    }

    /// <summary>The per-subtask work handed to the scheduler: events, the build agent on a focused prompt, a commit and a checkpoint.</summary>
    private async Task<SubtaskOutcome> BuildSubtaskAsync(TaskAttempt attempt, Subtask subtask, Workspace workspace, CancellationToken cancellationToken)
    {
        var run = attempt.Run;
        var plan = attempt.Plan!;
        var order = PlanGraph.TopologicalOrder(plan);
        await run.EmitAsync(EventTypes.SubtaskStarted, NightshiftJson.Payload(new
        {
            id = subtask.Id,
            title = subtask.Title,
            index = order.ToList().FindIndex(s => s.Id == subtask.Id),
            total = order.Count,
            dependsOn = subtask.DependsOn,
        }), cancellationToken);

        var single = attempt.OneSubtaskMode;
        if (!single)
        {
            await RenderRepoMapAsync(attempt, null, cancellationToken);
        }
        List<ChatMessage> conversation =
        [
            new(ChatRole.System, Prompts.System(attempt.Verification)),
            new(ChatRole.User, single
                ? Prompts.Task(attempt.Task, attempt.AgentsMd, attempt.Config, attempt.RepoMap)
                : Prompts.Subtask(attempt.Task, attempt.AgentsMd, attempt.Config, attempt.RepoMap, plan, subtask, attempt.Checkpoint.Subtasks)),
        ];
        var loop = new AgentLoop(attempt.Model.Client, ToolBox.BuildTools(), Tools(attempt, workspace, "agent"), new RunObserver(run, "build"), attempt.Model.Meter, attempt.Budget, time);
        var result = await loop.RunAsync(conversation, pinned: 2, cancellationToken);
        if (single)
        {
            attempt.Conversation = conversation;
        }

        string? commit = null;
        if (!single)
        {
            var made = await workspaces.CommitAsync(workspace, new CommitRequest(SubtaskMessage(subtask, result.Summary), Author(), attempt.Task.Id), cancellationToken);
            if (made is not null)
            {
                commit = made.Commit;
                await run.EmitAsync(EventTypes.CommitCreated, NightshiftJson.Payload(new { commit = made.Commit, branch = made.Branch, files = made.ChangedPaths.Take(200), subtask = subtask.Id }), cancellationToken);
            }
        }

        var succeeded = result.StopReason is null;
        var summary = result.Summary is null ? null : Clip(result.Summary.Trim(), MaxStoredSummary);
        await run.EmitAsync(succeeded ? EventTypes.SubtaskCompleted : EventTypes.SubtaskFailed, NightshiftJson.Payload(new
        {
            id = subtask.Id,
            commit,
            summary,
            steps = result.Steps,
            reason = result.StopReason,
        }), cancellationToken);
        var progress = new SubtaskProgress(subtask.Id, PlanFingerprints.Compute(plan)[subtask.Id], succeeded ? "completed" : "failed", commit, summary);
        await attempt.UpdateAsync(c => c with
        {
            Stage = c.Reached("planned") ? c.Stage : "planned",
            Subtasks = [.. c.Subtasks.Where(p => p.Id != subtask.Id), progress],
            Commit = commit ?? c.Commit,
        }, cancellationToken);
        return new SubtaskOutcome(subtask.Id, succeeded, summary, commit, result.StopReason);
    }

    private static string SubtaskMessage(Subtask subtask, string? summary)
    {
        var text = (summary ?? "").Trim();
        return text.Length == 0 ? subtask.Title : $"{subtask.Title}\n\n{text}";
    }

    private static string CompositeSummary(TaskRecord task, Plan plan, IReadOnlyList<SubtaskProgress> progress)
    {
        var text = new StringBuilder(task.Title).Append("\n\n");
        foreach (var subtask in PlanGraph.TopologicalOrder(plan))
        {
            var done = progress.FirstOrDefault(p => p.Id == subtask.Id);
            var line = (done?.Summary ?? "").Trim().Split('\n', 2)[0].Trim();
            text.Append("- ").Append(subtask.Title);
            if (done is null)
            {
                text.Append(" (not built)");
            }
            else if (done.Status != "completed")
            {
                text.Append(" (stopped early)");
            }
            if (line.Length > 0 && !string.Equals(line, subtask.Title, StringComparison.Ordinal))
            {
                text.Append(": ").Append(line);
            }
            text.Append('\n');
        }
        return text.ToString().TrimEnd();
    }
}
