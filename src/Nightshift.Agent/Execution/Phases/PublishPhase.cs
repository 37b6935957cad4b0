using Microsoft.Extensions.Logging;
using Nightshift.Agent.Tools;
using Nightshift.Core.Events;
using Nightshift.Core.Events.Payloads;
using Nightshift.Core.Execution;
using Nightshift.Core.Forges;
using Nightshift.Core.Serialization;
using Nightshift.Core.Tasks;
using Nightshift.Forges;
using Nightshift.Workspaces;

namespace Nightshift.Agent.Execution.Phases;

/// <summary>Commit, push and pull request, then the task's outcome; each step already done on an earlier attempt is skipped.</summary>
internal sealed partial class PublishPhase(ITaskWorkspaces workspaces, IForgeResolver forges, TaskCommits commits, ILogger logger) : ITaskPhase
{
    public CheckpointStage? DoneAt => null;

    public async Task<TaskOutcome?> RunAsync(TaskAttempt attempt, CancellationToken cancellationToken)
    {
        await attempt.Run.SetPhaseAsync(TaskPhase.Publishing, cancellationToken);
        return await PublishAsync(attempt, cancellationToken);
    }

    private async Task<TaskOutcome> PublishAsync(TaskAttempt attempt, CancellationToken cancellationToken)
    {
        var run = attempt.Run;
        var task = attempt.Task;
        var workspace = attempt.Workspace;
        var checkpoint = attempt.Checkpoint;
        var summary = string.IsNullOrWhiteSpace(checkpoint.Summary) ? task.Title : checkpoint.Summary.Trim();
        var title = Clipping.Clip(summary.Split('\n', 2)[0].Trim(), 72);
        var followUp = attempt.FollowUp;
        ForgeTarget target;
        try
        {
            target = forges.Resolve(workspace.Repository.Location, task.OrgId);
        }
        catch (ForgeException e)
        {
            return TaskOutcome.Failed($"the change is on {workspace.Branch} but was not pushed: {e.Message}");
        }
        if (!checkpoint.Reached(CheckpointStage.Committed))
        {
            var commit = await workspaces.CommitAsync(workspace, commits.Request(attempt, summary), cancellationToken);
            string head;
            if (commit is not null)
            {
                await run.EmitAsync(EventTypes.CommitCreated, NightshiftJson.Payload(new CommitCreatedPayload(commit.Commit) { Branch = commit.Branch, Files = [.. commit.ChangedPaths.Take(CommitCreatedPayload.MaxFiles)] }), cancellationToken);
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
                return TaskOutcome.Succeeded() with
                {
                    DetailsJson = NightshiftJson.Payload(new TaskFinishedPayload(Answer: answer, Summary: summary)
                    {
                        Output = task.RunStep is null ? null : StepOutput.Of(new AnswerOutput(answer, Changed: false)),
                    }),
                };
            }
            else
            {
                var why = checkpoint.StopReason ?? "the agent finished without changing any file";
                return TaskOutcome.Failed($"no change was made: {why}; say more precisely what should change, or ask it as a question");
            }
            await TaskProgress.SaveAsync(workspaces, forges, attempt, logger, cancellationToken);
            await attempt.UpdateAsync(c => c with { Stage = CheckpointStage.Committed, Commit = head }, cancellationToken);
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
            var sent = await workspaces.PushAsync(workspace, credentials, cancellationToken);
            await run.EmitAsync(EventTypes.BranchPushed, NightshiftJson.Payload(new BranchPushedPayload(workspace.Branch, workspace.Repository.Location)), cancellationToken);
            if (task.RunStep is not null)
            {
                // A parallel step of the run pushed first: merged under this step's commit, which the run's later
                // steps verify; the step's own verification stands.
                if (sent.MergedMovedBranch)
                {
                    LogStepMergedUnder(logger, task.Id, workspace.Branch, sent.Commit);
                }
                await attempt.UpdateAsync(c => c with { Stage = CheckpointStage.Pushed, Commit = sent.Commit }, cancellationToken);
                await TaskProgress.DropAsync(workspaces, credentials, attempt, logger, cancellationToken);
                return StepOutcome(attempt, summary);
            }
            // What was verified is the task's change on the branch as it was; commits pushed meanwhile and merged in
            // make a result no test ran on, so it is delivered for review, saying why, never as a success.
            var unverified = sent.MergedMovedBranch
                ? $"someone pushed to {workspace.Branch} while this task worked; their commits were merged under its change and the merged result was not verified"
                : null;
            await attempt.UpdateAsync(c => c with { Stage = CheckpointStage.Pushed, StopReason = c.StopReason ?? unverified }, cancellationToken);
            // Dropped only once the checkpoint says pushed: an attempt that pushed but could not record it (the store
            // was away) leaves the next attempt, maybe on another worker, the saved change to restore and push again.
            await TaskProgress.DropAsync(workspaces, credentials, attempt, logger, cancellationToken);
        }
        if (task.RunStep is not null)
        {
            return StepOutcome(attempt, summary);
        }

        checkpoint = attempt.Checkpoint;
        var passed = checkpoint.VerificationPassed == true && checkpoint.StopReason is null;
        // The pushed commit's change: a retry after the push may run in a worktree recreated from the base.
        var diff = checkpoint.Commit is { } pushed
            ? await workspaces.DiffAsync(workspace, pushed, cancellationToken)
            : await workspaces.DiffAsync(workspace, cancellationToken);
        PullRequest opened;
        try
        {
            // A follow-up updates its parent's pull request (every forge finds the open one by its branch): the title
            // stays, and the body keeps what was published and gains the follow-up's line.
            opened = await target.Forge.OpenAsync(new PullRequestDraft(
                task.Id, task.Repo, workspace.Branch, workspace.BaseBranch,
                followUp is null ? (passed ? "" : "[needs review] ") + title : followUp.Title(passed),
                followUp is null
                    ? PullRequestText.Body(task, summary, checkpoint, attempt.OneSubtaskMode ? null : attempt.Plan, attempt.Budget)
                    : followUp.Body(attempt.Run.Task, checkpoint, passed),
                diff,
                Draft: !passed), cancellationToken);
        }
        catch (ForgeException e)
        {
            return PullRequestNotOpened(task, target.Forge.Name, workspace.Branch, e);
        }
        if (followUp is not null && opened.Forge == followUp.PullRequest.Forge && opened.Reference != followUp.PullRequest.Reference && target.Forge is LocalForge)
        {
            // The local forge names a record after the task that opened it; a follow-up's update is still that record.
            opened = opened with { Reference = followUp.PullRequest.Reference, OpenedAt = followUp.PullRequest.OpenedAt };
        }
        // The store keeps the record and the diff we published (whatever the forge echoes back), so any server can show them.
        var pull = await run.SavePullRequestAsync(opened with { Diff = diff }, cancellationToken);
        await run.EmitAsync(EventTypes.PrOpened, NightshiftJson.Payload(new PrOpenedPayload(pull.Forge, pull.Reference, pull.Title, pull.Draft)), cancellationToken);
        await attempt.UpdateAsync(c => c with { Stage = CheckpointStage.Published }, cancellationToken);

        var details = NightshiftJson.Payload(new TaskFinishedPayload(
            Verification: checkpoint.VerificationSummary,
            OutOfScope: [.. checkpoint.OutOfScope.Take(FinishTool.MaxOutOfScope).Select(o => new OutOfScopeEntry(o.Test, o.Reason))],
            StillFailing: [.. checkpoint.StillFailing.Take(50)]));
        if (passed)
        {
            return TaskOutcome.Succeeded(workspace.Branch, pull.Reference) with { DetailsJson = details };
        }
        var reason = checkpoint.StopReason is { } stop
            ? $"{stop}; the work so far is on branch {workspace.Branch} for review"
            : $"{checkpoint.VerificationSummary}; the change is on branch {workspace.Branch} as a draft pull request";
        return TaskOutcome.NeedsReview(reason, workspace.Branch, pull.Reference) with { DetailsJson = details };
    }

    /// <summary>
    /// The branch is pushed but the forge refused or failed the pull request: the task ends naming the branch and the
    /// forge's reason. The checkpoint stays at the pushed stage, so a retry (automatic for a transient failure, else
    /// <c>nightshift retry</c>) goes straight to opening the pull request: no model call, no rebuild.
    /// </summary>
    private TaskOutcome PullRequestNotOpened(TaskRecord task, string forge, string branch, ForgeException failure)
    {
        LogPullRequestNotOpened(logger, task.Id, forge, branch, failure.Status, failure.Message);
        var why = failure.Message.TrimEnd('.', ' ');
        var reason = failure.Transient
            ? $"branch {branch} was pushed, but the {forge} forge could not open its pull request: {why}. The pull request will be opened on the next attempt without rebuilding; `nightshift retry {task.Id}` does the same once attempts are spent"
            : $"branch {branch} was pushed, but the {forge} forge refused its pull request: {why}. Fix that, then `nightshift retry {task.Id}` opens the pull request from the pushed branch without rebuilding";
        var outcome = failure.Transient ? TaskOutcome.Retry(reason) : TaskOutcome.Failed(reason);
        return outcome with { Branch = branch };
    }

    /// <summary>
    /// A pipeline step's end: pushed onto the run's branch, no pull request of its own. Verified: succeeded; not
    /// verified: needs review, which the run counts as the step failing. The output names the commit on the branch.
    /// </summary>
    private static TaskOutcome StepOutcome(TaskAttempt attempt, string summary)
    {
        var checkpoint = attempt.Checkpoint;
        var branch = attempt.Workspace.Branch;
        var details = NightshiftJson.Payload(new TaskFinishedPayload(
            Summary: summary,
            Verification: checkpoint.VerificationSummary,
            StillFailing: checkpoint.StillFailing.Count == 0 ? null : [.. checkpoint.StillFailing.Take(50)])
        {
            Output = StepOutput.Of(new ChangeOutput(Clipping.Clip(summary, StepOutput.MaxSummaryChars), checkpoint.Commit, Changed: true)),
        });
        if (checkpoint.VerificationPassed == true && checkpoint.StopReason is null)
        {
            return TaskOutcome.Succeeded(branch) with { DetailsJson = details };
        }
        var reason = checkpoint.StopReason is { } stop
            ? $"the change was not verified: {stop}; it is on branch {branch}"
            : $"the change was not verified: {checkpoint.VerificationSummary ?? "verification did not pass"}; it is on branch {branch}";
        return TaskOutcome.NeedsReview(reason, branch) with { DetailsJson = details };
    }

    /// <returns>git's login for fetch and push on a configured forge; null on the local forge.</returns>
    internal static PushCredentials? Credentials(ForgePushLogin? login) =>
        login is null ? null : PushCredentials.FromToken(login.Token, login.Username);

    [LoggerMessage(EventId = 6005, Level = LogLevel.Warning, Message = "Task {TaskId}: the {Forge} forge did not open the pull request of pushed branch {Branch} (status {Status}): {Reason}")]
    private static partial void LogPullRequestNotOpened(ILogger logger, string taskId, string forge, string branch, int? status, string reason);

    [LoggerMessage(EventId = 6300, Level = LogLevel.Information, Message = "Task {TaskId}: another step of the run pushed to {Branch} first; merged under this step's change and pushed as {Commit}")]
    private static partial void LogStepMergedUnder(ILogger logger, string taskId, string branch, string commit);
}
