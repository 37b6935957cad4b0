using System.Text;
using Microsoft.Extensions.AI;
using Nightshift.Agent.Dag;
using Nightshift.Agent.Loop;
using Nightshift.Agent.Tools;
using Nightshift.Core.Events;
using Nightshift.Core.Events.Payloads;
using Nightshift.Core.Execution;
using Nightshift.Core.Planning;
using Nightshift.Core.Serialization;
using Nightshift.Core.Tasks;
using Nightshift.Workspaces;
using Nightshift.Workspaces.Subtasks;

namespace Nightshift.Agent.Execution;

public sealed partial class AgentTaskExecutor
{
    /// <summary>Builds the plan's unfinished subtasks through the scheduler, then records the build as done.</summary>
    private async Task BuildAsync(TaskAttempt attempt, CancellationToken cancellationToken)
    {
        var run = attempt.Run;
        var plan = attempt.Plan ?? throw new InvalidOperationException("building needs a plan; PlanAsync sets one");
        await run.SetPhaseAsync(TaskPhase.Building, cancellationToken);
        var fingerprints = PlanFingerprints.Compute(plan);
        // The last word on a subtask wins, should a damaged checkpoint hold two.
        var earlier = attempt.Checkpoint.Subtasks
            .Where(p => p is not null && fingerprints.GetValueOrDefault(p.Id) == p.Fingerprint)
            .GroupBy(p => p.Id, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);
        // Every merged subtask is kept on the remote before the checkpoint records it: a worker that resumes the task
        // after this one died restores it from there instead of building it again.
        var journal = new SubtaskJournal(run, plan, async (change, token) =>
        {
            await TaskProgress.SaveAsync(workspaces, forges, attempt, logger, token);
            await attempt.UpdateAsync(change, token);
        });

        var results = await scheduler.RunAsync(
            new SubtaskSchedule(plan, attempt.Workspace, (work, token) => BuildSubtaskAsync(attempt, work, token), journal)
            {
                Earlier = earlier,
                // One subtask without a plan is committed with the task's own message when it is published.
                Commit = attempt.OneSubtaskMode
                    ? null
                    : (work, result, token) => workspaces.CommitAsync(work.Workspace, CommitOf(attempt, SubtaskMessage(work.Subtask, result.Summary)), token),
                ResolveConflict = (conflict, token) => ResolveConflictAsync(attempt, conflict, token),
                Author = _commits.Author,
            },
            cancellationToken);

        if (attempt.Inbox?.PendingQuestion is not null)
        {
            // The attempt stops to wait for the answer; the build is not over, and the subtask that asked is built again.
            return;
        }
        var stopped = results.FirstOrDefault(o => !o.Succeeded);
        var stopReason = stopped is null ? null : stopped.Reason ?? $"subtask '{stopped.Id}' did not finish";
        await attempt.UpdateAsync(c => c with
        {
            Stage = CheckpointStage.Built,
            Summary = attempt.OneSubtaskMode ? results.LastOrDefault()?.Summary ?? c.Summary : CompositeSummary(attempt.Task, plan, c.Subtasks),
            StopReason = stopReason,
        }, cancellationToken);
    }

    /// <summary>
    /// The build agent on one subtask, on a focused prompt, in the worktree the scheduler chose (after the repository's
    /// setup, in a worktree of its own). It only changes files: the scheduler commits them and reports to the journal.
    /// </summary>
    private async Task<SubtaskResult> BuildSubtaskAsync(TaskAttempt attempt, SubtaskWork work, CancellationToken cancellationToken)
    {
        var run = attempt.Run;
        var plan = attempt.Plan!;
        var subtask = work.Subtask;
        var workspace = work.Workspace;
        var isolated = work.Isolation == SubtaskIsolation.OwnWorktree;

        IDiffSource? diff = null;
        if (isolated)
        {
            diff = new SubtaskDiffSource(subtaskWorkspaces, new SubtaskWorkspace(workspace.TaskId, subtask.Id, workspace.Path, workspace.Branch, workspace.BaseCommit));
            // A fresh checkout lacks what setup made in the task's worktree (installed packages, generated files).
            if (await Setup.RunAsync(attempt, workspace, subtask.Id, cancellationToken) is { } setupFailure)
            {
                return SubtaskResult.Stopped(work, $"setup in its own worktree failed: {setupFailure.Reason}");
            }
        }

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
                : Prompts.Subtask(attempt.Task, attempt.AgentsMd, attempt.Config, attempt.RepoMap, plan, subtask, attempt.Checkpoint.Subtasks, isolated)),
        ];
        var loop = BuildAgent(attempt, workspace, "build", diff, subtask.Id, mayAsk: true);
        var result = await loop.RunAsync(conversation, pinned: 2, cancellationToken);
        if (result.Question is { } question)
        {
            return SubtaskResult.Stopped(work, $"the agent asked a question and waits for the answer: {Clip(question.ReplaceLineEndings(" "), 300)}", null, result.Steps);
        }
        if (result.OutOfScope.Count > 0 || result.Answer is not null)
        {
            await attempt.UpdateAsync(c => c.Declare(result.OutOfScope, result.Answer), cancellationToken);
        }
        if (single)
        {
            attempt.Conversation = conversation;
        }
        var summary = result.Summary is null ? null : Clip(result.Summary.Trim(), SubtaskJournal.MaxSummaryChars);
        return result.StopReason is { } stopReason
            ? SubtaskResult.Stopped(work, stopReason, summary, result.Steps)
            : SubtaskResult.Done(work, summary, result.Steps);
    }

    /// <summary>
    /// A merge of a subtask conflicted: the build agent, in the task's worktree, edits the conflicted files until no
    /// marker is left, keeping what both sides meant. True when it finished; the merge then checks for markers itself.
    /// </summary>
    private async Task<bool> ResolveConflictAsync(TaskAttempt attempt, MergeConflict conflict, CancellationToken cancellationToken)
    {
        var run = attempt.Run;
        var plan = attempt.Plan!;
        // The task branch side holds every subtask merged so far.
        var merged = attempt.Checkpoint.Subtasks
            .Where(p => p.Status == SubtaskState.Completed && p.Id != conflict.Subtask.Id)
            .Select(p => plan.Subtasks.FirstOrDefault(s => s.Id == p.Id))
            .OfType<Subtask>()
            .ToList();
        await run.EmitAsync(EventTypes.SubtaskConflicted, NightshiftJson.Payload(new SubtaskConflictedPayload(
            conflict.Subtask.Id, [.. conflict.Paths.Take(200)], conflict.HeadCommit, conflict.SubtaskCommit, [.. merged.Select(s => s.Id)])), cancellationToken);
        List<ChatMessage> conversation =
        [
            new(ChatRole.System, Prompts.System(attempt.Verification)),
            new(ChatRole.User, Prompts.Conflict(attempt.Task, conflict, merged)),
        ];
        var loop = BuildAgent(attempt, attempt.Workspace, "merge", subtask: conflict.Subtask.Id);
        var result = await loop.RunAsync(conversation, pinned: 2, cancellationToken);
        return result.StopReason is null;
    }

    private static string SubtaskMessage(Subtask subtask, string? summary)
    {
        var text = (summary ?? "").Trim();
        return text.Length == 0 ? subtask.Title : $"{subtask.Title}\n\n{text}";
    }

    private static string CompositeSummary(TaskRecord task, Plan plan, IReadOnlyList<SubtaskResult> progress)
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
            else if (done.Status != SubtaskState.Completed)
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
