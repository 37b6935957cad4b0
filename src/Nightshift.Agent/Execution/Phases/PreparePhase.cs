using Microsoft.Extensions.Logging;
using Nightshift.Core.Errors;
using Nightshift.Core.Execution;
using Nightshift.Forges;
using Nightshift.Workspaces;

namespace Nightshift.Agent.Execution.Phases;

/// <summary>
/// Brings the worktree in line with the checkpoint, runs the repository's setup, and starts the baseline run of its
/// verification on the untouched base. The baseline runs in a jail of its own while the plan agent works (the build
/// phase waits for it), or before planning when <see cref="AgentOptions.BaselineWhilePlanning"/> is off.
/// </summary>
internal sealed partial class PreparePhase(ITaskWorkspaces workspaces, IForgeResolver forges, RepositorySetup setup, bool baselineWhilePlanning, ILogger logger) : ITaskPhase
{
    // The worktree is checked against the checkpoint until the change is pushed (a committed change must be restored
    // on a recreated worktree before it can be pushed). Setup runs on every attempt until the build is done, because a
    // recreated worktree lacks what it made.
    public CheckpointStage? DoneAt => CheckpointStage.Pushed;

    public async Task<TaskOutcome?> RunAsync(TaskAttempt attempt, CancellationToken cancellationToken)
    {
        var untouched = await CheckProgressAsync(attempt, cancellationToken);
        if (attempt.Checkpoint.Baseline?.For(attempt.Workspace.BaseCommit, attempt.Verification) is { } stored)
        {
            attempt.Verifier.UseBaseline(stored);
            attempt.Baseline = BaselineRun.Restored(stored);
        }
        if (attempt.Checkpoint.Reached(CheckpointStage.Built) || WaitsForApprovalAgain(attempt))
        {
            return null;
        }
        if (await setup.RunAsync(attempt, attempt.Workspace, null, cancellationToken) is { } setupFailure)
        {
            return setupFailure;
        }
        if (attempt.Baseline is null && attempt.Verification.Count > 0 && untouched)
        {
            attempt.Baseline = BaselineRun.Start(attempt, cancellationToken);
            if (!baselineWhilePlanning)
            {
                await attempt.Baseline.WaitAsync(cancellationToken);
            }
        }
        return null;
    }

    /// <summary>
    /// A later attempt at a plan nobody has approved yet only waits again (see the plan phase): setup and the baseline
    /// would be work for nothing, and their events would tell a person something is running.
    /// </summary>
    private static bool WaitsForApprovalAgain(TaskAttempt attempt) =>
        attempt.Checkpoint.AwaitingApproval && attempt.Checkpoint.Plan is not null && attempt.Run.Attempt > 1;

    /// <summary>
    /// True when the worktree still equals the base commit (so a baseline run is meaningful). When the checkpoint
    /// records commits but the worktree holds none of them (it was recreated from the base, perhaps on another worker),
    /// the progress the earlier attempt saved on the remote is restored; only when that fails is the progress forgotten,
    /// so those subtasks (or the committed change) are built again rather than skipped into an empty branch.
    /// </summary>
    private async Task<bool> CheckProgressAsync(TaskAttempt attempt, CancellationToken cancellationToken)
    {
        var checkpoint = attempt.Checkpoint;
        if (checkpoint.Stage == CheckpointStage.Prepared && checkpoint.Subtasks.Count == 0)
        {
            return true;
        }
        var unchanged = (await workspaces.DiffAsync(attempt.Workspace, cancellationToken)).Length == 0;
        var committed = checkpoint.Reached(CheckpointStage.Committed);
        if (!unchanged || !(committed || checkpoint.Subtasks.Any(s => s.Commit is not null)))
        {
            return unchanged;
        }
        if (checkpoint.Commit is { } commit && await RestoreAsync(attempt, commit, cancellationToken))
        {
            // Commits a subtask made in its own worktree stayed in the other worker's mirror: those are built again.
            await attempt.UpdateAsync(c => c with { Subtasks = [.. c.Subtasks.Where(s => s.Status != SubtaskState.Built)] }, cancellationToken);
            LogProgressRestored(logger, attempt.Task.Id, commit);
            return false;
        }
        LogProgressLost(logger, attempt.Task.Id, checkpoint.Subtasks.Count);
        await attempt.UpdateAsync(c => c with
        {
            Stage = c.Reached(CheckpointStage.Built) ? CheckpointStage.Planned : c.Stage,
            Subtasks = [],
            Summary = null,
            StopReason = null,
            Commit = null,
        }, cancellationToken);
        return unchanged;
    }

    /// <summary>Restores the saved progress up to <paramref name="commit"/>; false when it cannot (no login, no saved progress, not in it).</summary>
    private async Task<bool> RestoreAsync(TaskAttempt attempt, string commit, CancellationToken cancellationToken)
    {
        try
        {
            var credentials = await TaskProgress.CredentialsAsync(forges, attempt.Task, cancellationToken);
            return await workspaces.RestoreProgressAsync(attempt.Workspace, commit, credentials, cancellationToken);
        }
        catch (Exception e) when (e is WorkspaceException or ForgeException or ValidationException)
        {
            LogRestoreFailed(logger, attempt.Task.Id, e.Message);
            return false;
        }
    }

    [LoggerMessage(EventId = 6003, Level = LogLevel.Warning, Message = "Task {TaskId}: the worktree holds none of the {Count} recorded subtasks' work; building them again")]
    private static partial void LogProgressLost(ILogger logger, string taskId, int count);

    [LoggerMessage(EventId = 6010, Level = LogLevel.Information, Message = "Task {TaskId}: the worktree was recreated; the progress an earlier attempt saved was restored at {Commit}")]
    private static partial void LogProgressRestored(ILogger logger, string taskId, string commit);

    [LoggerMessage(EventId = 6011, Level = LogLevel.Warning, Message = "Task {TaskId}: the saved progress could not be restored: {Reason}")]
    private static partial void LogRestoreFailed(ILogger logger, string taskId, string reason);
}
