using System.Globalization;
using System.Text;
using Nightshift.Agent.Loop;
using Nightshift.Agent.Tools;
using Nightshift.Core.Events;
using Nightshift.Core.Execution;
using Nightshift.Core.Forges;
using Nightshift.Core.Planning;
using Nightshift.Core.Serialization;
using Nightshift.Core.Tasks;
using Nightshift.Forges;
using Nightshift.Workspaces;

namespace Nightshift.Agent.Execution;

public sealed partial class AgentTaskExecutor
{
    private async Task<TaskOutcome> PublishAsync(TaskAttempt attempt, CancellationToken cancellationToken)
    {
        var run = attempt.Run;
        var task = attempt.Task;
        var workspace = attempt.Workspace;
        var checkpoint = attempt.Checkpoint;
        var summary = string.IsNullOrWhiteSpace(checkpoint.Summary) ? task.Title : checkpoint.Summary.Trim();
        var title = Clip(summary.Split('\n', 2)[0].Trim(), 72);
        if (!checkpoint.Reached(CheckpointStage.Committed))
        {
            var commit = await workspaces.CommitAsync(workspace, CommitOf(attempt, summary), cancellationToken);
            string head;
            if (commit is not null)
            {
                await run.EmitAsync(EventTypes.CommitCreated, NightshiftJson.Payload(new { commit = commit.Commit, branch = commit.Branch, files = commit.ChangedPaths.Take(200) }), cancellationToken);
                head = commit.Commit;
            }
            else if (checkpoint.Subtasks.LastOrDefault(s => s.Commit is not null)?.Commit is { } subtaskCommit)
            {
                // Every change is already in the subtasks' commits.
                head = subtaskCommit;
            }
            else if (checkpoint.Answer is { } answer && checkpoint.StopReason is null)
            {
                // The task asked a question: the answer is the result, and there is nothing to push.
                return TaskOutcome.Succeeded() with { DetailsJson = NightshiftJson.Payload(new { answer, summary }) };
            }
            else
            {
                var why = checkpoint.StopReason ?? "the agent finished without changing any file";
                return TaskOutcome.Failed($"no change was made: {why}; say more precisely what should change, or ask it as a question");
            }
            await attempt.UpdateAsync(c => c with { Stage = CheckpointStage.Committed, Commit = head }, cancellationToken);
        }
        ForgeTarget target;
        try
        {
            target = forges.Resolve(workspace.Repository.Location);
        }
        catch (ForgeException e)
        {
            return TaskOutcome.Failed($"the change is committed on {workspace.Branch} but was not pushed: {e.Message}");
        }
        if (!attempt.Checkpoint.Reached(CheckpointStage.Pushed))
        {
            PushCredentials? credentials;
            try
            {
                credentials = Credentials(await target.PushLoginAsync(cancellationToken));
            }
            catch (ForgeException e)
            {
                var why = $"the change is committed on {workspace.Branch} but was not pushed: {e.Message}";
                return e.Transient ? TaskOutcome.Retry(why) : TaskOutcome.Failed(why);
            }
            await workspaces.PushAsync(workspace, credentials, cancellationToken);
            await run.EmitAsync(EventTypes.BranchPushed, NightshiftJson.Payload(new { branch = workspace.Branch, remote = workspace.Repository.Location }), cancellationToken);
            await attempt.UpdateAsync(c => c with { Stage = CheckpointStage.Pushed }, cancellationToken);
        }

        checkpoint = attempt.Checkpoint;
        var passed = checkpoint.VerificationPassed == true && checkpoint.StopReason is null;
        var diff = await workspaces.DiffAsync(workspace, cancellationToken);
        PullRequest pull;
        try
        {
            pull = await target.Forge.OpenAsync(new PullRequestDraft(
                task.Id, task.Repo, workspace.Branch, workspace.BaseBranch,
                (passed ? "" : "[needs review] ") + title,
                PullRequestBody(task, summary, checkpoint, attempt.OneSubtaskMode ? null : attempt.Plan, attempt.Budget),
                diff,
                Draft: !passed), cancellationToken);
        }
        catch (ForgeException e)
        {
            // The push is checkpointed: a retry of the task goes straight back to opening the pull request.
            var why = $"branch {workspace.Branch} was pushed to {workspace.Repository.Location}, but its pull request could not be opened: {e.Message}";
            return e.Transient ? TaskOutcome.Retry(why) : TaskOutcome.Failed(why);
        }
        await run.EmitAsync(EventTypes.PrOpened, NightshiftJson.Payload(new { forge = pull.Forge, reference = pull.Reference, title = pull.Title, draft = pull.Draft }), cancellationToken);
        await attempt.UpdateAsync(c => c with { Stage = CheckpointStage.Published }, cancellationToken);

        var details = NightshiftJson.Payload(new
        {
            verification = checkpoint.VerificationSummary,
            outOfScope = checkpoint.OutOfScope.Take(FinishTool.MaxOutOfScope).Select(o => new { test = o.Test, reason = o.Reason }),
            stillFailing = checkpoint.StillFailing.Take(50),
        });
        if (passed)
        {
            return TaskOutcome.Succeeded(workspace.Branch, pull.Reference) with { DetailsJson = details };
        }
        var reason = checkpoint.StopReason is { } stop
            ? $"{stop}; the work so far is on branch {workspace.Branch} for review"
            : $"{checkpoint.VerificationSummary}; the change is on branch {workspace.Branch} as a draft pull request";
        return TaskOutcome.NeedsReview(reason, workspace.Branch, pull.Reference) with { DetailsJson = details };
    }

    /// <returns>the credentials of the repository's forge for fetch and push; null on the local forge.</returns>
    private async Task<PushCredentials?> ForgeCredentialsAsync(string repository, CancellationToken cancellationToken) =>
        Credentials(await forges.Resolve(repository).PushLoginAsync(cancellationToken));

    private static PushCredentials? Credentials(ForgePushLogin? login) =>
        login is null ? null : PushCredentials.FromToken(login.Token, login.Username);

    private static string PullRequestBody(TaskRecord task, string summary, ExecutionCheckpoint checkpoint, Plan? plan, BudgetTracker budget)
    {
        var usage = budget.Usage;
        var cost = usage.CostComplete
            ? $"${usage.CostUsd.ToString("0.0000", CultureInfo.InvariantCulture)}"
            : $"at least ${usage.CostUsd.ToString("0.0000", CultureInfo.InvariantCulture)} ({usage.UnpricedCalls} call(s) of unknown price)";
        var text = new StringBuilder();
        text.Append("## Summary\n\n").Append(summary).Append("\n\n");
        if (plan is not null)
        {
            text.Append("## Plan\n\n");
            foreach (var subtask in PlanGraph.TopologicalOrder(plan))
            {
                var done = checkpoint.Subtasks.FirstOrDefault(s => s.Id == subtask.Id);
                var state = done is null ? "not built" : done.Status == "completed" ? done.Commit is { } c ? $"done in {c[..Math.Min(12, c.Length)]}" : "done, no change" : "stopped early";
                text.Append("- `").Append(subtask.Id).Append("` ").Append(subtask.Title).Append(" — ").Append(state).Append('\n');
            }
            text.Append('\n');
        }
        text.Append("## Verification\n\n").Append(checkpoint.VerificationSummary ?? "not run").Append('\n');
        if (checkpoint.OutOfScope.Count > 0)
        {
            text.Append("\nThese tests failed before this change and still fail; the agent declared them outside the task:\n\n");
            foreach (var declared in checkpoint.OutOfScope)
            {
                text.Append("- `").Append(OneLine(declared.Test, 200)).Append("`: ").Append(OneLine(declared.Reason, 1_000)).Append('\n');
            }
        }
        if (checkpoint.StillFailing.Count > 0)
        {
            text.Append("\nThese tests failed before this change and still fail, and the agent gave no reason to leave them: ")
                .Append(string.Join(", ", checkpoint.StillFailing.Take(50).Select(t => $"`{OneLine(t, 200)}`"))).Append(".\n");
        }
        if (checkpoint.DebugMode)
        {
            text.Append("\nThe same failure kept coming back, so the last rounds used the debugging prompt.\n");
        }
        if (checkpoint.StopReason is { } stop)
        {
            text.Append("\nThe agent stopped early: ").Append(stop).Append(".\n");
        }
        text.Append("\n## Task\n\n").Append(Clip(task.Instruction, 2_000)).Append("\n\n");
        text.Append("## Usage\n\n")
            .Append($"{usage.Calls} model calls, {usage.InputTokens.ToString("N0", CultureInfo.InvariantCulture)} tokens in ")
            .Append($"({usage.CachedTokens.ToString("N0", CultureInfo.InvariantCulture)} cached), {usage.OutputTokens.ToString("N0", CultureInfo.InvariantCulture)} out, cost {cost}.\n\n")
            .Append($"Nightshift-Task: {task.Id}\n");
        return text.ToString();
    }

    private static string OneLine(string value, int max) => Clip(string.Join(' ', value.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries)).Replace('`', '\'').Trim(), max);

    /// <summary>Commit, push and pull request; each step already done on an earlier attempt is skipped inside.</summary>
    private sealed class PublishPhase(AgentTaskExecutor executor) : ITaskPhase
    {
        public CheckpointStage? DoneAt => null;

        public async Task<TaskOutcome?> RunAsync(TaskAttempt attempt, CancellationToken cancellationToken)
        {
            await attempt.Run.SetPhaseAsync(TaskPhase.Publishing, cancellationToken);
            return await executor.PublishAsync(attempt, cancellationToken);
        }
    }
}
