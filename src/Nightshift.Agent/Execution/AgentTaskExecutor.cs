using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nightshift.Agent.Budgets;
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
using Nightshift.Core.Pipelines;
using Nightshift.Core.Serialization;
using Nightshift.Core.Tasks;
using Nightshift.Core.Teams;
using Nightshift.Core.Telemetry;
using Nightshift.Forges;
using Nightshift.Models.Errors;
using Nightshift.Sandbox;
using Nightshift.Sandbox.Network;
using Nightshift.Workspaces;
using Nightshift.Workspaces.SetupCache;
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
    IFollowUpSource? followUps = null,
    IModelCallBudget? budgets = null,
    SetupCacheStore? setupCache = null,
    IOrgSecrets? orgSecrets = null) : ITaskExecutor
{
    // Every model call of the task goes through these models, so the organisation's budgets are checked before each.
    private readonly IAgentModels _models = budgets is null ? models : new BudgetedAgentModels(models, budgets);
    private readonly AgentOptions _options = options.Value;
    private readonly TaskSandbox _sandbox = new(sandbox, workspaces, sandboxOptions.Value.Network ?? new NetworkCeilings(), time, logger,
        new EgressCredentialResolver(sandboxOptions.Value.Egress?.Credentials ?? [], orgSecrets)) 
    {
        Options = sandboxOptions.Value,
        AllowPrivate = [.. (sandboxOptions.Value.Egress?.AllowPrivate ?? []).Select(entry => EgressAllowance.TryParse(entry, out _)).OfType<EgressAllowance>()],
    };
    private readonly CachedSetup? _cachedSetup = setupCache is null ? null : new CachedSetup(setupCache, workspaces, time, sandboxOptions.Value.ToolchainPaths, logger);
    private readonly RepoMapRenderer _repoMaps = new(
        repoMaps, Path.Combine(NightshiftPaths.ResolveDataDirectory(workspaceOptions.Value.DataDirectory), "repomap"), options.Value.RepoMapTokens, logger);
    private readonly string _dataDirectory = NightshiftPaths.ResolveDataDirectory(workspaceOptions.Value.DataDirectory);
    private readonly TaskCommits _commits = new(options.Value.CommitAuthorName is { } name
        ? new CommitAuthor(name, options.Value.CommitAuthorEmail ?? "nightshift@localhost")
        : null);

    public async Task<TaskOutcome> ExecuteAsync(ITaskRun run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        using var serialized = new SerializedTaskRun(run);
        return await ExecuteSerializedAsync(serialized, cancellationToken);
    }

    private async Task<TaskOutcome> ExecuteSerializedAsync(SerializedTaskRun run, CancellationToken cancellationToken)
    {
        // The repository's task limits are known once its .nightshift.yml is read; the time limit counts from here.
        using var watch = new TaskLimitWatch(time, time.GetTimestamp(), () => run.Phase, cancellationToken);
        _sandbox.Watch(run, watch);
        TaskOutcome outcome;
        try
        {
            outcome = await ExecuteWatchedAsync(run, watch, cancellationToken);
        }
        catch (OperationCanceledException) when (watch.Breach is not null && !cancellationToken.IsCancellationRequested)
        {
            outcome = TaskOutcome.Failed("stopped at a task limit");
        }
        // A step that turned the stop into an error of its own (a cancelled git command, say) still ended at the limit.
        if (watch.Breach is { } breach && !cancellationToken.IsCancellationRequested && outcome.Kind is OutcomeKind.Failed or OutcomeKind.RetryableFailure)
        {
            LogTaskLimitPassed(logger, run.Task.Id, breach.Limit, breach.Phase);
            return breach.ToOutcome();
        }
        return outcome;
    }

    private async Task<TaskOutcome> ExecuteWatchedAsync(ITaskRun run, TaskLimitWatch watch, CancellationToken attemptToken)
    {
        var cancellationToken = watch.Token;
        Workspace? workspace = null;
        TaskAttempt? attempt = null;
        AgentModel? model = null;
        var keepWorktree = true;
        try
        {
            // A command step or a run's pull request needs no model, so no model key either.
            if (run.Task.RunStep is { Kind: not RunTaskKind.Agent } step)
            {
                await run.SetPhaseAsync(TaskPhase.Preparing, cancellationToken);
                workspace = await PrepareStepWorkspaceAsync(run, step, cancellationToken);
                var stepOutcome = step.Kind == RunTaskKind.Command
                    ? await new CommandStepExecutor(workspaces, _sandbox, Setup, _commits, forges, _options.VerificationTimeout, logger).RunAsync(run, step, workspace, watch, cancellationToken)
                    : await RunPullRequestStepAsync(run, step, workspace, watch, cancellationToken);
                keepWorktree = stepOutcome.Kind != OutcomeKind.Succeeded;
                return stepOutcome;
            }
            // The model first: a missing key or model name should fail the task before any clone or setup runs.
            model = await _models.CreateBuildAsync(run.Task, ModelFallbackEvents.Emitter(run), cancellationToken);
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
            await ApplyLimitsAsync(run, attempt.Config, watch, cancellationToken);

            ITaskPhase[] phases =
            [
                new PreparePhase(workspaces, forges, Setup, _options.BaselineWhilePlanning, logger),
                new PlanPhase(_models, _options, _sandbox, _repoMaps, time),
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
        catch (OperationCanceledException) when (attemptToken.IsCancellationRequested)
        {
            return run.StopReason switch
            {
                StopReason.CancelRequested => TaskOutcome.Cancelled("cancelled while it was running"),
                StopReason.Shutdown => TaskOutcome.Release(),
                _ => throw new OperationCanceledException(attemptToken),
            };
        }
        catch (Exception e) when (e is not (OperationCanceledException or LeaseLostException) && DiskFullReason(e, _dataDirectory) is { } full)
        {
            // The disk may be freed, or another worker may have room: a failed attempt, never a failed task.
            LogDiskFull(logger, run.Task.Id, _dataDirectory, e.Message);
            return TaskOutcome.Retry(full);
        }
        catch (BudgetExhaustedException e)
        {
            // No model call was made; another attempt would stop at the same check.
            LogBudgetExhausted(logger, run.Task.Id, run.Task.OrgId, e.Exhaustion.KindName, e.Exhaustion.LimitUsd, e.Exhaustion.SpentUsd);
            return e.Exhaustion.ToOutcome();
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
            _sandbox.ForgetCredentials(run.Task.Id);
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
        var credentials = PublishPhase.Credentials(await forges.Resolve(task.Repo, task.OrgId).PushLoginAsync(cancellationToken));
        var request = task.RunStep is { } step
            ? StepRequest(task, step, credentials)
            : followUp is null
            ? new WorkspaceRequest(task.Id, task.Repo, task.BaseBranch, task.Title, Credentials: credentials)
            : new WorkspaceRequest(task.Id, task.Repo, followUp.PullRequest.BaseBranch, task.Title, Credentials: credentials) { ContinueBranch = followUp.PullRequest.Branch };
        var workspace = await workspaces.PrepareAsync(request, cancellationToken);
        var config = await RepoConfigParser.LoadAsync(workspace.Path, cancellationToken);
        if (task.RunStep is not null)
        {
            // A run's branch keeps its name whatever prefix the repository asks for.
            LogStepOnBranch(logger, task.Id, task.RunStep.Step, task.RunStep.RunId, workspace.Branch, workspace.BaseCommit);
        }
        else if (followUp is null)
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
        // Before any command runs: a credential the organisation lacks ends the task here, naming what to add.
        await _sandbox.PrepareCredentialsAsync(config, task, cancellationToken);
        // The task's own cache: a shared one would let one task's jail poison what a later task installs.
        var cache = workspaces.TaskCacheFolder(workspace);
        var verification = VerificationDetector.Detect(workspace.Path, config, cancellationToken);
        var attempt = new TaskAttempt(run, workspace, checkpoint)
        {
            Config = config,
            AgentsMd = await AgentInstructions.ReadAsync(workspace.Path, _options.MaxInstructionsChars, cancellationToken),
            Cache = cache,
            Verification = verification,
            Verifier = new Verifier(_sandbox.Runner(run, workspace, cache, _sandbox.Phase(config, task, "verify", RepoNetworkPhase.Verify)), verification,
                _sandbox.Limits(config).Timeout(RepoNetworkPhase.Verify) ?? _options.VerificationTimeout),
            Budget = new BudgetTracker(StepBudget(_options.Budget, task.RunStep), time),
            Model = model,
            // A plan the checkpoint holds is read back; one still waiting for a person is settled by the plan phase.
            Plan = checkpoint.StoredPlan(),
            FollowUp = followUp,
            Inbox = await TaskInbox.OpenAsync(run, _options.MaxQuestions, cancellationToken),
        };
        return (workspace, attempt);
    }

    /// <summary>
    /// Holds the attempt to the repository's task limits from here on, and says so when .nightshift.yml asked for more
    /// than the operator's Sandbox:MaxLimits allow (those limits run at the maximum).
    /// </summary>
    private async Task ApplyLimitsAsync(ITaskRun run, RepoConfig config, TaskLimitWatch watch, CancellationToken cancellationToken)
    {
        var limits = _sandbox.Limits(config);
        watch.Apply(limits.Limits.Task, run.Task.RunStep?.TimeoutSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : null);
        if (limits.Capped.Count > 0)
        {
            await run.EmitAsync(EventTypes.LimitsCapped, NightshiftJson.Payload(new LimitsCappedPayload(limits.Capped, limits.CappedMessage())), cancellationToken);
        }
    }

    /// <summary>A pipeline step's worktree: the run's branch as the remote holds it, created from the base when missing (but never for the run's pull request).</summary>
    private static WorkspaceRequest StepRequest(TaskRecord task, RunStepTask step, PushCredentials? credentials) =>
        new(task.Id, task.Repo, task.BaseBranch, task.Title, Credentials: credentials)
        {
            ContinueBranch = step.Branch,
            CreateIfMissing = step.Kind != RunTaskKind.PullRequest,
        };

    private async Task<Workspace> PrepareStepWorkspaceAsync(ITaskRun run, RunStepTask step, CancellationToken cancellationToken)
    {
        var task = run.Task;
        var credentials = PublishPhase.Credentials(await forges.Resolve(task.Repo, task.OrgId).PushLoginAsync(cancellationToken));
        var workspace = await workspaces.PrepareAsync(StepRequest(task, step, credentials), cancellationToken);
        LogStepOnBranch(logger, task.Id, step.Step, step.RunId, workspace.Branch, workspace.BaseCommit);
        await run.EmitAsync(EventTypes.WorkspaceReady, NightshiftJson.Payload(new WorkspaceReadyPayload(
            workspace.Branch, workspace.BaseBranch, workspace.BaseCommit, run.Checkpoint is not null || run.Attempt > 1)), cancellationToken);
        return workspace;
    }

    private Task<TaskOutcome> RunPullRequestStepAsync(ITaskRun run, RunStepTask step, Workspace workspace, TaskLimitWatch watch, CancellationToken cancellationToken)
    {
        watch.Apply(RepoTaskLimits.Unstated, step.TimeoutSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : null);
        return new PullRequestStepExecutor(workspaces, forges, logger).RunAsync(run, step, workspace, cancellationToken);
    }

    /// <summary>The agent's budget, its cost capped at a pipeline step's <c>max_cost_usd</c> when that is lower.</summary>
    internal static AgentBudget StepBudget(AgentBudget budget, RunStepTask? step) =>
        step?.MaxCostUsd is { } max && max < budget.MaxCostUsd ? budget with { MaxCostUsd = max } : budget;

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

    private RepositorySetup Setup => new(_sandbox, _options.SetupTimeout, _cachedSetup);

    private Task<string?> RenderRepoMapAsync(TaskAttempt attempt, string? commit, CancellationToken cancellationToken) => _repoMaps.RenderAsync(attempt, commit, cancellationToken);

    private AgentLoop BuildAgent(TaskAttempt attempt, Workspace workspace, string role, IDiffSource? diff = null, string? subtask = null, bool mayAsk = false) =>
        _sandbox.BuildAgent(attempt, workspace, role, diff, subtask, mayAsk);

    private CommitRequest CommitOf(TaskAttempt attempt, string message) => _commits.Request(attempt, message);

    private static string Clip(string value, int max) => Clipping.Clip(value, max);

    /// <summary>errno ENOSPC on Linux and macOS, as .NET puts it in an <see cref="IOException"/>'s HResult.</summary>
    private const int NoSpaceErrno = 28;

    /// <summary>Windows' ERROR_HANDLE_DISK_FULL and ERROR_DISK_FULL, as HRESULTs.</summary>
    private static readonly int[] DiskFullHResults = [unchecked((int)0x80070027), unchecked((int)0x80070070)];

    /// <summary>How git and the file system say a write failed without saying why.</summary>
    private static readonly string[] WriteFailed = ["unable to write", "short write", "write error", "write returned", "could not write"];

    /// <summary>Less free than this on the data folder's disk, a failed write is taken for a full disk.</summary>
    private const long NearlyFullBytes = 16L * 1024 * 1024;

    private static bool NearlyFull(string dataDirectory)
    {
        try
        {
            return Directory.Exists(dataDirectory) && new DriveInfo(dataDirectory).AvailableFreeSpace < NearlyFullBytes;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return false;
        }
    }

    /// <summary>
    /// The retry reason when <paramref name="exception"/> (or one it wraps) says the disk is full: an
    /// <see cref="IOException"/> with ENOSPC, git's (or any tool's) "No space left on device", or a write git could not
    /// make while the data folder's disk has (almost) no room left; null otherwise.
    /// </summary>
    internal static string? DiskFullReason(Exception exception, string dataDirectory)
    {
        ArgumentNullException.ThrowIfNull(exception);
        for (var e = exception; e is not null; e = e.InnerException)
        {
            var full = (e is IOException && (e.HResult == NoSpaceErrno || DiskFullHResults.Contains(e.HResult)))
                || e.Message.Contains("No space left on device", StringComparison.OrdinalIgnoreCase)
                || e.Message.Contains("ENOSPC", StringComparison.Ordinal)
                // git's checkout says only that it could not write; the disk it wrote to tells why.
                || (e is IOException or Workspaces.WorkspaceException && WriteFailed.Any(w => e.Message.Contains(w, StringComparison.OrdinalIgnoreCase)) && NearlyFull(dataDirectory));
            if (full)
            {
                return $"the disk is full (no space left on device) under the data folder {dataDirectory}: {Core.Text.SafeText.Clean(e.Message, 500)}; " +
                    "the attempt is retried, here once space is freed or on another worker with room — free space on that disk " +
                    "(old worktrees, mirrors and the setup cache live there) or lower Workspaces:MirrorDiskBudgetBytes";
            }
        }
        return null;
    }

    [LoggerMessage(EventId = 6001, Level = LogLevel.Information, Message = "Task {TaskId} resumes after stage {Stage}")]
    private static partial void LogResumed(ILogger logger, string taskId, string stage);

    [LoggerMessage(EventId = 5810, Level = LogLevel.Warning, Message = "Task {TaskId} cannot run as a follow-up: {Reason}")]
    private static partial void LogFollowUpRefused(ILogger logger, string taskId, string reason);

    [LoggerMessage(EventId = 5811, Level = LogLevel.Information, Message = "Task {TaskId} follows up task {ParentId} on branch {Branch} from its head {Head}")]
    private static partial void LogFollowingUp(ILogger logger, string taskId, string parentId, string branch, string head);

    [LoggerMessage(EventId = 3600, Level = LogLevel.Warning, Message = "Task {TaskId} of organisation {OrgId} stopped before a model call: its {Kind} budget of {LimitUsd} USD is used up ({SpentUsd} USD spent)")]
    private static partial void LogBudgetExhausted(ILogger logger, string taskId, string orgId, string kind, decimal limitUsd, decimal spentUsd);

    [LoggerMessage(EventId = 6230, Level = LogLevel.Warning, Message = "Task {TaskId} passed its repository's {Limit} limit while {Phase} and was stopped")]
    private static partial void LogTaskLimitPassed(ILogger logger, string taskId, string limit, string phase);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Warning, Message = "Releasing the worktree of task {TaskId} failed: {Reason}")]
    private static partial void LogReleaseFailed(ILogger logger, string taskId, string reason);

    [LoggerMessage(EventId = 6305, Level = LogLevel.Information, Message = "Task {TaskId} is step {Step} of run {RunId}, on branch {Branch} from {Head}")]
    private static partial void LogStepOnBranch(ILogger logger, string taskId, string step, string runId, string branch, string head);

    [LoggerMessage(EventId = 5812, Level = LogLevel.Warning, Message = "Task {TaskId} ran out of disk space under {DataDirectory} ({Reason}); the attempt is retried")]
    private static partial void LogDiskFull(ILogger logger, string taskId, string dataDirectory, string reason);
}
