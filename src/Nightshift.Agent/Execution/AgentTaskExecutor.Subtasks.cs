using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.AI;
using Nightshift.Agent.Dag;
using Nightshift.Agent.Loop;
using Nightshift.Agent.Tools;
using Nightshift.Core.Events;
using Nightshift.Core.Execution;
using Nightshift.Core.Planning;
using Nightshift.Core.Serialization;
using Nightshift.Core.Tasks;
using Nightshift.Workspaces;
using Nightshift.Workspaces.Subtasks;

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
        var current = attempt.Checkpoint.Subtasks.Where(p => fingerprints.GetValueOrDefault(p.Id) == p.Fingerprint).ToList();
        var finished = current.Where(p => p.Status == "completed").ToDictionary(p => p.Id, StringComparer.Ordinal);
        foreach (var subtask in PlanGraph.TopologicalOrder(plan).Where(s => finished.ContainsKey(s.Id)))
        {
            await run.EmitAsync(EventTypes.SubtaskSkipped, NightshiftJson.Payload(new
            {
                id = subtask.Id,
                commit = finished[subtask.Id].Commit,
                reason = "finished by an earlier attempt (same fingerprint)",
            }), cancellationToken);
        }
        // For a merging scheduler: a completed subtask that changed nothing is on any branch from the base.
        var earlier = current
            .Where(p => p.Status == "completed" || (p.Status == "built" && p.SubtaskCommit is not null))
            .ToDictionary(
                p => p.Id,
                p => new FinishedSubtask(p.Fingerprint, p.Status == "completed" ? p.Commit ?? attempt.Workspace.BaseCommit : null, p.Summary) { SubtaskCommit = p.SubtaskCommit },
                StringComparer.Ordinal);
        var steps = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);

        var outcomes = await scheduler.RunAsync(
            new SubtaskSchedule(plan, finished.Keys.ToHashSet(StringComparer.Ordinal), attempt.Workspace, (subtask, workspace, token) => BuildSubtaskAsync(attempt, subtask, workspace, steps, token))
            {
                Earlier = earlier,
                OnProgress = attempt.OneSubtaskMode ? null : (progress, token) => RecordMergedProgressAsync(attempt, progress, finished, steps, token),
                ResolveConflict = (conflict, token) => ResolveConflictAsync(attempt, conflict, token),
                Author = _author,
            },
            cancellationToken);

        var stopped = outcomes.FirstOrDefault(o => !o.Succeeded);
        var stopReason = stopped is null ? null : stopped.StopReason ?? $"subtask '{stopped.SubtaskId}' did not finish";
        await attempt.UpdateAsync(c => c with
        {
            Stage = CheckpointStage.Built,
            Summary = attempt.OneSubtaskMode ? outcomes.LastOrDefault()?.Summary ?? c.Summary : CompositeSummary(attempt.Task, plan, c.Subtasks),
            StopReason = stopReason,
        }, cancellationToken);
    }

    /// <summary>
    /// The per-subtask work handed to the scheduler: events, the build agent on a focused prompt and, in the task's
    /// worktree, a commit and a checkpoint. In a worktree of its own the scheduler commits and merges, and reports
    /// through <see cref="RecordMergedProgressAsync"/>.
    /// </summary>
    private async Task<SubtaskOutcome> BuildSubtaskAsync(TaskAttempt attempt, Subtask subtask, Workspace workspace, ConcurrentDictionary<string, int> steps, CancellationToken cancellationToken)
    {
        var run = attempt.Run;
        var plan = attempt.Plan!;
        var order = PlanGraph.TopologicalOrder(plan);
        var isolated = !string.Equals(workspace.Path, attempt.Workspace.Path, StringComparison.Ordinal);
        await run.EmitAsync(EventTypes.SubtaskStarted, NightshiftJson.Payload(new
        {
            id = subtask.Id,
            title = subtask.Title,
            index = order.ToList().FindIndex(s => s.Id == subtask.Id),
            total = order.Count,
            dependsOn = subtask.DependsOn,
            worktree = isolated ? "own" : "task",
        }), cancellationToken);

        IDiffSource? diff = null;
        if (isolated)
        {
            diff = new SubtaskDiffSource(subtaskWorkspaces, new SubtaskWorkspace(workspace.TaskId, subtask.Id, workspace.Path, workspace.Branch, workspace.BaseCommit));
            // A fresh checkout lacks what setup made in the task's worktree (installed packages, generated files).
            if (await SetupAsync(attempt.Config, workspace, attempt.Cache, run, cancellationToken) is { } setupFailure)
            {
                return new SubtaskOutcome(subtask.Id, false, null, null, $"setup in its own worktree failed: {setupFailure.Reason}");
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
        var loop = BuildAgent(attempt, workspace, "build", diff, subtask.Id);
        var result = await loop.RunAsync(conversation, pinned: 2, cancellationToken);
        steps[subtask.Id] = result.Steps;
        if (result.OutOfScope.Count > 0 || result.Answer is not null)
        {
            await attempt.UpdateAsync(c => c.Declare(result.OutOfScope, result.Answer), cancellationToken);
        }
        var succeeded = result.StopReason is null;
        var summary = result.Summary is null ? null : Clip(result.Summary.Trim(), MaxStoredSummary);
        if (isolated)
        {
            return new SubtaskOutcome(subtask.Id, succeeded, summary, null, result.StopReason);
        }
        if (single)
        {
            attempt.Conversation = conversation;
        }

        string? commit = null;
        if (!single)
        {
            var made = await workspaces.CommitAsync(workspace, CommitOf(attempt, SubtaskMessage(subtask, result.Summary)), cancellationToken);
            if (made is not null)
            {
                commit = made.Commit;
                await run.EmitAsync(EventTypes.CommitCreated, NightshiftJson.Payload(new { commit = made.Commit, branch = made.Branch, files = made.ChangedPaths.Take(200), subtask = subtask.Id }), cancellationToken);
            }
        }

        // The checkpoint before the event: a crash between the two then costs a missing event, never a rebuilt subtask.
        await RecordSubtaskAsync(attempt, new SubtaskProgress(subtask.Id, PlanFingerprints.Compute(plan)[subtask.Id], succeeded ? "completed" : "failed", commit, summary), commit, cancellationToken);
        await run.EmitAsync(succeeded ? EventTypes.SubtaskCompleted : EventTypes.SubtaskFailed, NightshiftJson.Payload(new
        {
            id = subtask.Id,
            commit,
            summary,
            steps = result.Steps,
            reason = result.StopReason,
        }), cancellationToken);
        return new SubtaskOutcome(subtask.Id, succeeded, summary, commit, result.StopReason);
    }

    /// <summary>
    /// A merging scheduler's report, as events and checkpoint: a built subtask is recorded with its own commit (so a
    /// resumed attempt merges it without building it again), a merged one with the task branch's commit. The checkpoint
    /// is written before the events that report it, so a crash in between never makes finished work look unfinished.
    /// </summary>
    private async Task RecordMergedProgressAsync(TaskAttempt attempt, DagProgress progress, IReadOnlyDictionary<string, SubtaskProgress> finished, ConcurrentDictionary<string, int> steps, CancellationToken cancellationToken)
    {
        var run = attempt.Run;
        var id = progress.Subtask.Id;
        var summary = progress.Summary is null ? null : Clip(progress.Summary.Trim(), MaxStoredSummary);
        switch (progress.Kind)
        {
            case DagProgressKind.Built:
                await RecordAsync(new SubtaskProgress(id, progress.Fingerprint, "built", null, summary) { SubtaskCommit = progress.SubtaskCommit });
                await run.EmitAsync(EventTypes.CommitCreated, NightshiftJson.Payload(new { commit = progress.SubtaskCommit, subtask = id, merged = false }), cancellationToken);
                break;
            case DagProgressKind.Completed:
                await RecordAsync(new SubtaskProgress(id, progress.Fingerprint, "completed", progress.Commit, summary) { SubtaskCommit = progress.SubtaskCommit }, progress.Commit);
                if (progress.SubtaskCommit is not null)
                {
                    await run.EmitAsync(EventTypes.SubtaskMerged, NightshiftJson.Payload(new
                    {
                        id,
                        commit = progress.Commit,
                        subtaskCommit = progress.SubtaskCommit,
                        conflictResolved = progress.ConflictResolved,
                    }), cancellationToken);
                }
                await run.EmitAsync(EventTypes.SubtaskCompleted, NightshiftJson.Payload(new
                {
                    id,
                    commit = progress.Commit,
                    summary,
                    steps = steps.GetValueOrDefault(id),
                    reason = (string?)null,
                }), cancellationToken);
                break;
            case DagProgressKind.Failed:
                await RecordAsync(new SubtaskProgress(id, progress.Fingerprint, "failed", null, summary));
                await run.EmitAsync(EventTypes.SubtaskFailed, NightshiftJson.Payload(new
                {
                    id,
                    commit = (string?)null,
                    summary,
                    steps = steps.GetValueOrDefault(id),
                    reason = progress.Reason,
                }), cancellationToken);
                break;
            case DagProgressKind.Skipped:
                await run.EmitAsync(EventTypes.SubtaskSkipped, NightshiftJson.Payload(new { id, commit = (string?)null, reason = progress.Reason }), cancellationToken);
                break;
            case DagProgressKind.Reused when !finished.ContainsKey(id):
                await run.EmitAsync(EventTypes.SubtaskSkipped, NightshiftJson.Payload(new { id, commit = progress.Commit, reason = "finished by an earlier attempt (same fingerprint)" }), cancellationToken);
                break;
            default:
                // Started is announced by the builder; a reused subtask in the checkpoint was announced before the run.
                break;
        }

        Task RecordAsync(SubtaskProgress entry, string? head = null) => RecordSubtaskAsync(attempt, entry, head, cancellationToken);
    }

    /// <summary>Stores a subtask's progress in the checkpoint, replacing an earlier entry for it; <paramref name="head"/> is the task branch's new commit, if any.</summary>
    private static Task RecordSubtaskAsync(TaskAttempt attempt, SubtaskProgress entry, string? head, CancellationToken cancellationToken) => attempt.UpdateAsync(c => c with
    {
        Stage = c.Reached(CheckpointStage.Planned) ? c.Stage : CheckpointStage.Planned,
        Subtasks = [.. c.Subtasks.Where(p => p.Id != entry.Id), entry],
        Commit = head ?? c.Commit,
    }, cancellationToken);

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
            .Where(p => p.Status == "completed" && p.Id != conflict.Subtask.Id)
            .Select(p => plan.Subtasks.FirstOrDefault(s => s.Id == p.Id))
            .OfType<Subtask>()
            .ToList();
        await run.EmitAsync(EventTypes.SubtaskConflicted, NightshiftJson.Payload(new
        {
            id = conflict.Subtask.Id,
            paths = conflict.Paths.Take(200),
            headCommit = conflict.HeadCommit,
            subtaskCommit = conflict.SubtaskCommit,
            mergedSubtasks = merged.Select(s => s.Id),
        }), cancellationToken);
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

    /// <summary>Builds the plan's unfinished subtasks.</summary>
    private sealed class BuildPhase(AgentTaskExecutor executor) : ITaskPhase
    {
        public CheckpointStage? DoneAt => CheckpointStage.Built;

        public async Task<TaskOutcome?> RunAsync(TaskAttempt attempt, CancellationToken cancellationToken)
        {
            await executor.BuildAsync(attempt, cancellationToken);
            return null;
        }
    }
}
