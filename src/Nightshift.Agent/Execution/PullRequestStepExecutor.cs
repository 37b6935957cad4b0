using Microsoft.Extensions.Logging;
using Nightshift.Agent.Execution.Phases;
using Nightshift.Core.Events;
using Nightshift.Core.Events.Payloads;
using Nightshift.Core.Execution;
using Nightshift.Core.Forges;
using Nightshift.Core.Pipelines;
using Nightshift.Core.Serialization;
using Nightshift.Core.Tasks;
using Nightshift.Forges;
using Nightshift.Workspaces;

namespace Nightshift.Agent.Execution;

/// <summary>
/// A pipeline run's pull request (<see cref="RunTaskKind.PullRequest"/>): no model, no command. The run's branch as
/// the remote holds it (for a per-step pull request first copied to <see cref="RunStepTask.PublishBranch"/>) is
/// opened (or updated: every forge finds the open one by its branch) against the run's base, with the title and body
/// the coordinator wrote, and kept in the store.
/// </summary>
internal sealed partial class PullRequestStepExecutor(ITaskWorkspaces workspaces, IForgeResolver forges, ILogger logger)
{
    /// <summary>The longest title a pull request is opened with.</summary>
    public const int MaxTitleChars = 200;

    public async Task<TaskOutcome> RunAsync(ITaskRun run, RunStepTask step, Workspace workspace, CancellationToken cancellationToken)
    {
        var task = run.Task;
        await run.SetPhaseAsync(TaskPhase.Publishing, cancellationToken);
        var target = forges.Resolve(workspace.Repository.Location, task.OrgId);
        var branch = workspace.Branch;
        if (step.PublishBranch is { } publish)
        {
            var credentials = PublishPhase.Credentials(await target.PushLoginAsync(cancellationToken));
            await workspaces.PublishCopyAsync(workspace, publish, credentials, cancellationToken);
            await run.EmitAsync(EventTypes.BranchPushed, NightshiftJson.Payload(new BranchPushedPayload(publish, workspace.Repository.Location)), cancellationToken);
            branch = publish;
        }
        var diff = await workspaces.DiffAsync(workspace, workspace.BaseCommit, cancellationToken);
        PullRequest opened;
        try
        {
            opened = await target.Forge.OpenAsync(new PullRequestDraft(
                task.Id, task.Repo, branch, workspace.BaseBranch, Title(step), step.PullRequestBody ?? "", diff, step.Draft), cancellationToken);
        }
        catch (ForgeException e)
        {
            LogNotOpened(logger, task.Id, target.Forge.Name, branch, e.Status, e.Message);
            var why = e.Message.TrimEnd('.', ' ');
            var reason = e.Transient
                ? $"the {target.Forge.Name} forge could not open the pull request of branch {branch}: {why}; it is tried again on the next attempt"
                : $"the {target.Forge.Name} forge refused the pull request of branch {branch}: {why}; fix that, then retry this task";
            return (e.Transient ? TaskOutcome.Retry(reason) : TaskOutcome.Failed(reason)) with { Branch = branch };
        }
        var pull = await run.SavePullRequestAsync(opened with { Diff = diff }, cancellationToken);
        await run.EmitAsync(EventTypes.PrOpened, NightshiftJson.Payload(new PrOpenedPayload(pull.Forge, pull.Reference, pull.Title, pull.Draft)), cancellationToken);
        return TaskOutcome.Succeeded(branch, pull.Reference);
    }

    /// <summary>One line: the coordinator's title, or the run's when it gave none.</summary>
    private static string Title(RunStepTask step)
    {
        var title = string.Join(' ', (step.PullRequestTitle ?? "").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        title = string.Concat(title.Where(c => !char.IsControl(c)));
        return Clipping.Clip(title.Length == 0 ? $"Pipeline run {step.RunId}" : title, MaxTitleChars);
    }

    [LoggerMessage(EventId = 6304, Level = LogLevel.Warning, Message = "Task {TaskId}: the {Forge} forge did not open the pull request of run branch {Branch} (status {Status}): {Reason}")]
    private static partial void LogNotOpened(ILogger logger, string taskId, string forge, string branch, int? status, string reason);
}
