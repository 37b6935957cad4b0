using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nightshift.Agent.Configuration;
using Nightshift.Agent.Execution.Phases;
using Nightshift.Agent.Loop;
using Nightshift.Agent.RepoMap;
using Nightshift.Agent.Tools;
using Nightshift.Agent.Verification;
using Nightshift.Core.Configuration;
using Nightshift.Core.Errors;
using Nightshift.Core.Events;
using Nightshift.Core.Events.Payloads;
using Nightshift.Core.Execution;
using Nightshift.Core.Forges;
using Nightshift.Core.Serialization;
using Nightshift.Core.Tasks;
using Nightshift.Core.Telemetry;
using Nightshift.Forges;
using Nightshift.Models.Errors;
using Nightshift.Sandbox;
using Nightshift.Workspaces;
using Nightshift.Workspaces.Subtasks;

namespace Nightshift.Agent.Execution;

/// <summary>
/// Runs one task end to end, as five phases (<c>Phases/</c>): prepare (worktree, .nightshift.yml and AGENTS.md, setup
/// in the sandbox, the baseline run of the tests started in a jail of its own) → plan (or one subtask; the approval
/// gate) while the baseline runs → build the subtasks in dependency order once the baseline is in, each committed
/// (independent ones at the same time in worktrees of their own, then merged into the task's) → verification rounds of
/// the merged result with feedback (debug mode when a failure keeps coming back) → commit, push, pull request → final
/// state. A checkpoint after the baseline, planning, every subtask, every verification round and every publishing
/// step lets a reclaimed task resume instead of starting over: each phase the checkpoint has passed is skipped.
/// </summary>
public sealed partial class AgentTaskExecutor(
    ITaskWorkspaces workspaces,
    ISubtaskWorkspaces subtaskWorkspaces,
    ISandbox sandbox,
    IAgentModels models,
    IForgeResolver forges,
    RepoMapBuilder repoMaps,
    ISubtaskScheduler scheduler,
    IOptions<AgentOptions> options,
    IOptions<WorkspaceOptions> workspaceOptions,
    TimeProvider time,
    ILogger<AgentTaskExecutor> logger,
    IOptions<SandboxOptions> sandboxOptions,
    IFollowUpSource? followUps = null) : ITaskExecutor
{
    private readonly AgentOptions _options = options.Value;
    private readonly TaskSandbox _sandbox = new(sandbox, workspaces, sandboxOptions.Value.Network ?? new NetworkCeilings(), time);
    private readonly RepoMapRenderer _repoMaps = new(
        repoMaps, Path.Combine(NightshiftPaths.ResolveDataDirectory(workspaceOptions.Value.DataDirectory), "repomap"), options.Value.RepoMapTokens, logger);
    private readonly TaskCommits _commits = new(options.Value.CommitAuthorName is { } name
        ? new CommitAuthor(name, options.Value.CommitAuthorEmail ?? "nightshift@localhost")
        : null);

    public async Task<TaskOutcome> ExecuteAsync(ITaskRun run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        using var serialized = new SerializedTaskRun(run);
        return await ExecuteSerializedAsync(serialized, cancellationToken);
    }

    private async Task<TaskOutcome> ExecuteSerializedAsync(ITaskRun run, CancellationToken cancellationToken)
    {
        Workspace? workspace = null;
        TaskAttempt? attempt = null;
        AgentModel? model = null;
        var keepWorktree = true;
        try
        {
            // The model first: a missing key or model name should fail the task before any clone or setup runs.
            model = models.CreateBuild(run.Task, ModelFallbackEvents.Emitter(run));
            await run.SetPhaseAsync(TaskPhase.Preparing, cancellationToken);
            FollowUp? followUp = null;
            if (run.Task.FollowUpOf is not null)
            {
                (followUp, var refusal) = await FollowUp.LoadAsync(run.Task, followUps, cancellationToken);
                if (refusal is not null)
                {
                    LogFollowUpRefused(logger, run.Task.Id, refusal);
                    return TaskOutcome.Failed(refusal);
                }
            }
            using (NightshiftActivities.Source.StartActivity(NightshiftActivities.Workspace))
            {
                (workspace, attempt) = await StartAttemptAsync(run, model, followUp, cancellationToken);
            }

            ITaskPhase[] phases =
            [
                new PreparePhase(workspaces, Setup, _options.BaselineWhilePlanning, logger),
                new PlanPhase(models, _options, _sandbox, _repoMaps, time),
                new BuildPhase(BuildAsync, _options, time),
                new VerifyPhase(workspaces, _options, _sandbox, _repoMaps),
                new PublishPhase(workspaces, forges, _commits, logger),
            ];
            foreach (var phase in phases)
            {
                if (phase.DoneAt is { } done && attempt.Checkpoint.Reached(done))
                {
                    continue;
                }
                using var span = NightshiftActivities.Source.StartActivity(SpanName(phase));
                if (await phase.RunAsync(attempt, cancellationToken) is { } outcome)
                {
                    keepWorktree = outcome.Kind != OutcomeKind.Succeeded;
                    return outcome;
                }
            }
            throw new InvalidOperationException("the publish phase always ends the attempt with an outcome");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return run.StopReason switch
            {
                StopReason.CancelRequested => TaskOutcome.Cancelled("cancelled while it was running"),
                StopReason.Shutdown => TaskOutcome.Release(),
                _ => throw new OperationCanceledException(cancellationToken),
            };
        }
        catch (ModelProviderException e)
        {
            return TaskOutcome.Retry($"the model provider failed: {e.Message}");
        }
        catch (ForgeException e)
        {
            // The forge refused the credential exchange (a GitHub App's token) or could not be reached for it.
            return e.Transient ? TaskOutcome.Retry(e.Message) : TaskOutcome.Failed(e.Message);
        }
        catch (NightshiftException e) when (e is not LeaseLostException)
        {
            // Bad configuration, a refused repository, a broken .nightshift.yml, no sandbox: retrying will not help.
            return TaskOutcome.Failed(e.Message);
        }
        finally
        {
            if (attempt is not null)
            {
                await attempt.DisposeAsync();
            }
            model?.Dispose();
            if (workspace is not null && run.StopReason is not (StopReason.Shutdown or StopReason.LeaseLost))
            {
                try
                {
                    await workspaces.ReleaseAsync(workspace, keepWorktree, CancellationToken.None);
                }
                catch (Exception e) when (e is WorkspaceException or IOException)
                {
                    LogReleaseFailed(logger, run.Task.Id, e.Message);
                }
            }
        }
    }

    /// <summary>The task's worktree (on the repository's branch prefix), its .nightshift.yml, AGENTS.md, cache and verifier, and the checkpoint it resumes from.</summary>
    /// <remarks>
    /// A follow-up's worktree is its parent's branch as the remote holds it now, and its pull request's base branch is
    /// the base; the branch keeps its name whatever prefix the repository asks for.
    /// </remarks>
    private async Task<(Workspace Workspace, TaskAttempt Attempt)> StartAttemptAsync(ITaskRun run, AgentModel model, FollowUp? followUp, CancellationToken cancellationToken)
    {
        var task = run.Task;
        var checkpoint = ExecutionCheckpoint.Read(run.Checkpoint);
        // A private repository on a configured forge needs its credentials to be fetched, not only pushed.
        var credentials = PublishPhase.Credentials(await forges.Resolve(task.Repo).PushLoginAsync(cancellationToken));
        var request = followUp is null
            ? new WorkspaceRequest(task.Id, task.Repo, task.BaseBranch, task.Title, Credentials: credentials)
            : new WorkspaceRequest(task.Id, task.Repo, followUp.PullRequest.BaseBranch, task.Title, Credentials: credentials) { ContinueBranch = followUp.PullRequest.Branch };
        var workspace = await workspaces.PrepareAsync(request, cancellationToken);
        var config = await RepoConfigParser.LoadAsync(workspace.Path, cancellationToken);
        if (followUp is null)
        {
            workspace = await ApplyBranchPrefixAsync(workspace, config, cancellationToken);
        }
        else
        {
            LogFollowingUp(logger, task.Id, followUp.Parent.Id, workspace.Branch, workspace.BaseCommit);
        }
        await run.EmitAsync(EventTypes.WorkspaceReady, NightshiftJson.Payload(new WorkspaceReadyPayload(
            workspace.Branch, workspace.BaseBranch, workspace.BaseCommit, checkpoint.Stage != CheckpointStage.Prepared || run.Attempt > 1)), cancellationToken);
        if (checkpoint.Stage != CheckpointStage.Prepared)
        {
            LogResumed(logger, task.Id, WireNameJsonConverter<CheckpointStage>.ToWire(checkpoint.Stage));
        }
        // The task's own cache: a shared one would let one task's jail poison what a later task installs.
        var cache = workspaces.TaskCacheFolder(workspace);
        var verification = VerificationDetector.Detect(workspace.Path, config, cancellationToken);
        var attempt = new TaskAttempt(run, workspace, checkpoint)
        {
            Config = config,
            AgentsMd = await AgentInstructions.ReadAsync(workspace.Path, _options.MaxInstructionsChars, cancellationToken),
            Cache = cache,
            Verification = verification,
            Verifier = new Verifier(_sandbox.Runner(run, workspace, cache, "verify", _sandbox.Network(config, RepoNetworkPhase.Verify)), verification, _options.VerificationTimeout),
            Budget = new BudgetTracker(_options.Budget, time),
            Model = model,
            // A plan the checkpoint holds is read back; one still waiting for a person is settled by the plan phase.
            Plan = checkpoint.StoredPlan(),
            FollowUp = followUp,
            Inbox = await TaskInbox.OpenAsync(run, _options.MaxQuestions, cancellationToken),
        };
        return (workspace, attempt);
    }

    /// <summary>The task's branch under the repository's <c>branch_prefix</c> (already checked by the parser), when it asks for one.</summary>
    private async Task<Workspace> ApplyBranchPrefixAsync(Workspace workspace, RepoConfig config, CancellationToken cancellationToken)
    {
        if (config.BranchPrefix is not { } prefix || workspace.Branch.StartsWith(prefix, StringComparison.Ordinal))
        {
            return workspace;
        }
        var name = workspace.Branch.StartsWith(ITaskWorkspaces.DefaultBranchPrefix, StringComparison.Ordinal)
            ? workspace.Branch[ITaskWorkspaces.DefaultBranchPrefix.Length..]
            : workspace.Branch;
        return await workspaces.RenameBranchAsync(workspace, prefix + name, cancellationToken);
    }

    private static string SpanName(ITaskPhase phase) => phase switch
    {
        PreparePhase => NightshiftActivities.Prepare,
        PlanPhase => NightshiftActivities.Plan,
        BuildPhase => NightshiftActivities.Build,
        VerifyPhase => NightshiftActivities.Verify,
        PublishPhase => NightshiftActivities.Publish,
        _ => "task." + phase.GetType().Name,
    };

    private RepositorySetup Setup => new(_sandbox, _options.SetupTimeout);

    // What the subtask work (AgentTaskExecutor.Subtasks.cs) shares with the phases.
    private Task<TaskOutcome?> SetupAsync(RepoConfig config, Workspace workspace, string cache, ITaskRun run, CancellationToken cancellationToken) =>
        Setup.RunAsync(config, workspace, cache, run, cancellationToken);

    private Task<string?> RenderRepoMapAsync(TaskAttempt attempt, string? commit, CancellationToken cancellationToken) => _repoMaps.RenderAsync(attempt, commit, cancellationToken);

    private AgentLoop BuildAgent(TaskAttempt attempt, Workspace workspace, string role, IDiffSource? diff = null, string? subtask = null, bool mayAsk = false) =>
        _sandbox.BuildAgent(attempt, workspace, role, diff, subtask, mayAsk);

    private CommitRequest CommitOf(TaskAttempt attempt, string message) => _commits.Request(attempt, message);

    private static string Clip(string value, int max) => Clipping.Clip(value, max);

    [LoggerMessage(EventId = 6001, Level = LogLevel.Information, Message = "Task {TaskId} resumes after stage {Stage}")]
    private static partial void LogResumed(ILogger logger, string taskId, string stage);

    [LoggerMessage(EventId = 5810, Level = LogLevel.Warning, Message = "Task {TaskId} cannot run as a follow-up: {Reason}")]
    private static partial void LogFollowUpRefused(ILogger logger, string taskId, string reason);

    [LoggerMessage(EventId = 5811, Level = LogLevel.Information, Message = "Task {TaskId} follows up task {ParentId} on branch {Branch} from its head {Head}")]
    private static partial void LogFollowingUp(ILogger logger, string taskId, string parentId, string branch, string head);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Warning, Message = "Releasing the worktree of task {TaskId} failed: {Reason}")]
    private static partial void LogReleaseFailed(ILogger logger, string taskId, string reason);
}
