using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nightshift.Agent.Configuration;
using Nightshift.Agent.Loop;
using Nightshift.Agent.RepoMap;
using Nightshift.Agent.Tools;
using Nightshift.Agent.Verification;
using Nightshift.Core.Configuration;
using Nightshift.Core.Errors;
using Nightshift.Core.Events;
using Nightshift.Core.Execution;
using Nightshift.Core.Forges;
using Nightshift.Forges;
using Nightshift.Core.Serialization;
using Nightshift.Core.Tasks;
using Nightshift.Models.Errors;
using Nightshift.Models.Fallback;
using Nightshift.Sandbox;
using Nightshift.Workspaces;
using Nightshift.Workspaces.Subtasks;

namespace Nightshift.Agent.Execution;

/// <summary>
/// Runs one task end to end: worktree → .nightshift.yml and AGENTS.md → setup in the sandbox → baseline → plan (or
/// one subtask) → optional approval gate → subtasks built in dependency order, each committed (independent ones at
/// the same time in worktrees of their own, then merged into the task's) → verification rounds of the merged result
/// with feedback (debug mode when a failure keeps coming back) → commit, push, pull request → final state. A checkpoint
/// after planning, after every subtask, after every verification round and every publishing step lets a reclaimed task
/// resume instead of starting over.
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
    IOptions<SandboxOptions> sandboxOptions) : ITaskExecutor
{
    private readonly AgentOptions _options = options.Value;
    private readonly NetworkCeilings _networkCeilings = sandboxOptions.Value.Network ?? new NetworkCeilings();
    private readonly string _dataRoot = NightshiftPaths.ResolveDataDirectory(workspaceOptions.Value.DataDirectory);
    private readonly CommitAuthor? _author = options.Value.CommitAuthorName is { } name
        ? new CommitAuthor(name, options.Value.CommitAuthorEmail ?? "nightshift@localhost")
        : null;

    public async Task<TaskOutcome> ExecuteAsync(ITaskRun run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        using var serialized = new SerializedTaskRun(run);
        return await ExecuteSerializedAsync(serialized, cancellationToken);
    }

    private async Task<TaskOutcome> ExecuteSerializedAsync(ITaskRun run, CancellationToken cancellationToken)
    {
        var task = run.Task;
        var checkpoint = ExecutionCheckpoint.Read(run.Checkpoint);
        Workspace? workspace = null;
        TaskAttempt? attempt = null;
        var keepWorktree = true;
        AgentModel? model = null;
        try
        {
            // The model first: a missing key or model name should fail the task before any clone or setup runs.
            model = models.CreateBuild(task, OnFallback(run));
            await run.SetPhaseAsync(TaskPhase.Preparing, cancellationToken);
            // A private repository on a configured forge needs its credentials to be fetched, not only pushed.
            var credentials = await ForgeCredentialsAsync(task.Repo, cancellationToken);
            workspace = await workspaces.PrepareAsync(new WorkspaceRequest(task.Id, task.Repo, task.BaseBranch, task.Title, Credentials: credentials), cancellationToken);

            var config = await RepoConfigParser.LoadAsync(workspace.Path, cancellationToken);
            workspace = await ApplyBranchPrefixAsync(workspace, config, cancellationToken);
            await run.EmitAsync(EventTypes.WorkspaceReady, NightshiftJson.Payload(new
            {
                branch = workspace.Branch,
                baseBranch = workspace.BaseBranch,
                baseCommit = workspace.BaseCommit,
                resumed = checkpoint.Stage != CheckpointStage.Prepared || run.Attempt > 1,
            }), cancellationToken);
            // The task's own cache: a shared one would let one task's jail poison what a later task installs.
            var cache = workspaces.TaskCacheFolder(workspace);
            var verification = VerificationDetector.Detect(workspace.Path, config, cancellationToken);
            var verifier = new Verifier(Runner(run, workspace, cache, "verify", Network(config, RepoNetworkPhase.Verify)), verification, _options.VerificationTimeout);
            attempt = new TaskAttempt(run, workspace, checkpoint)
            {
                Config = config,
                AgentsMd = await AgentInstructions.ReadAsync(workspace.Path, _options.MaxInstructionsChars, cancellationToken),
                Cache = cache,
                Verification = verification,
                Budget = new BudgetTracker(_options.Budget, time),
                Model = model,
            };

            if (await SettleApprovalAsync(attempt, cancellationToken) is { } approvalOutcome)
            {
                return approvalOutcome;
            }
            var untouched = await CheckProgressAsync(attempt, cancellationToken);
            if (attempt.Checkpoint.Stage != CheckpointStage.Prepared)
            {
                LogResumed(logger, task.Id, WireNameJsonConverter<CheckpointStage>.ToWire(attempt.Checkpoint.Stage));
            }
            if (attempt.Checkpoint.Reached(CheckpointStage.Built))
            {
                RestorePlan(attempt);
            }

            ITaskPhase[] phases =
            [
                new PreparePhase(this, verifier, untouched),
                new PlanPhase(this),
                new BuildPhase(this),
                new VerifyPhase(this, verifier),
                new PublishPhase(this),
            ];
            foreach (var phase in phases)
            {
                if (phase.DoneAt is { } done && attempt.Checkpoint.Reached(done))
                {
                    continue;
                }
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
            // The forge refused the credential exchange (a GitHub App's token) or is of a kind not built yet.
            return e.Transient ? TaskOutcome.Retry(e.Message) : TaskOutcome.Failed(e.Message);
        }
        catch (NightshiftException e) when (e is not LeaseLostException)
        {
            // Bad configuration, a refused repository, a broken .nightshift.yml, no sandbox: retrying will not help.
            return TaskOutcome.Failed(e.Message);
        }
        finally
        {
            attempt?.Dispose();
            model?.Dispose();
            if (workspace is not null && run.StopReason is not (StopReason.Shutdown or StopReason.LeaseLost))
            {
                try
                {
                    await workspaces.ReleaseAsync(workspace, keepWorktree, CancellationToken.None);
                }
                catch (Exception e) when (e is WorkspaceException or IOException)
                {
                    LogReleaseFailed(logger, task.Id, e.Message);
                }
            }
        }
    }

    /// <summary>
    /// True when the worktree still equals the base commit (so a baseline run is meaningful). When the checkpoint
    /// records subtask commits but the worktree holds none of them (it was recreated from the base), the progress is
    /// forgotten so those subtasks are built again rather than skipped into an empty branch.
    /// </summary>
    private async Task<bool> CheckProgressAsync(TaskAttempt attempt, CancellationToken cancellationToken)
    {
        var checkpoint = attempt.Checkpoint;
        if (checkpoint.Stage == CheckpointStage.Prepared && checkpoint.Subtasks.Count == 0)
        {
            return true;
        }
        if (checkpoint.Reached(CheckpointStage.Committed))
        {
            return false;
        }
        var unchanged = (await workspaces.DiffAsync(attempt.Workspace, cancellationToken)).Length == 0;
        if (unchanged && checkpoint.Subtasks.Any(s => s.Commit is not null))
        {
            LogProgressLost(logger, attempt.Task.Id, checkpoint.Subtasks.Count);
            await attempt.UpdateAsync(c => c with
            {
                Stage = c.Reached(CheckpointStage.Built) ? CheckpointStage.Planned : c.Stage,
                Subtasks = [],
                Summary = null,
                StopReason = null,
                Commit = null,
            }, cancellationToken);
        }
        return unchanged;
    }

    private async Task<TaskOutcome?> SetupAsync(RepoConfig config, Workspace workspace, string cache, ITaskRun run, CancellationToken cancellationToken)
    {
        var network = PhaseNetworkPolicy.Resolve(config.Network, _networkCeilings);
        if (network.Capped.Count > 0)
        {
            await run.EmitAsync(EventTypes.NetworkCapped, NightshiftJson.Payload(new
            {
                phases = network.Capped.Select(p => p.ToString().ToLowerInvariant()),
                message = $"{RepoConfigParser.FileName} asks for network in {string.Join(", ", network.Capped.Select(p => p.ToString().ToLowerInvariant()))}, which the operator's Sandbox:Network ceiling does not allow; those phases run without network",
            }), cancellationToken);
        }
        if (config.Setup.Count == 0)
        {
            return null;
        }
        var runner = Runner(run, workspace, cache, "setup", network.Setup);
        foreach (var command in config.Setup)
        {
            var outcome = await runner.RunAsync(command, _options.SetupTimeout, cancellationToken);
            if (outcome.ExitCode != 0 || outcome.TimedOut)
            {
                return TaskOutcome.Failed(
                    $"the repository's setup command `{command}` {(outcome.TimedOut ? "timed out" : $"failed with exit code {outcome.ExitCode}")}; fix it in .nightshift.yml. Last output: {OutputText.Cap(outcome.Output.Trim(), 600)}");
            }
        }
        return null;
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

    private SandboxCommandRunner Runner(ITaskRun run, Workspace workspace, string cache, string purpose, NetworkPolicy network) =>
        new(sandbox, run, workspace.Path, cache, network, purpose);

    private ToolContext Tools(TaskAttempt attempt, Workspace workspace, string purpose, IDiffSource? diff = null) =>
        new(new Worktree(workspace.Path), Runner(attempt.Run, workspace, attempt.Cache, purpose, Network(attempt.Config, RepoNetworkPhase.Agent)), diff ?? new WorkspaceDiffSource(workspaces, workspace));

    /// <summary>The network <paramref name="phase"/> gets: what the repository asks for, within the operator's ceiling.</summary>
    private NetworkPolicy Network(RepoConfig config, RepoNetworkPhase phase) => PhaseNetworkPolicy.Resolve(config.Network, _networkCeilings).For(phase);

    private static Action<ModelFallback> OnFallback(ITaskRun run) => fallback => _ = run.EmitAsync(EventTypes.ModelFallback, NightshiftJson.Payload(new
    {
        from = fallback.From.ToString(),
        to = fallback.To.ToString(),
        kind = fallback.Kind.ToString(),
        reason = fallback.Reason,
    }), CancellationToken.None);

    /// <summary>The build agent working in <paramref name="workspace"/>, its events under <paramref name="role"/> (build, merge).</summary>
    private AgentLoop BuildAgent(TaskAttempt attempt, Workspace workspace, string role, IDiffSource? diff = null) =>
        new(attempt.Model.Client, ToolBox.BuildTools(), Tools(attempt, workspace, "agent", diff), new RunObserver(attempt.Run, role), attempt.Model.Meter, attempt.Budget, time);

    /// <summary>Every commit the task makes (per subtask, merges, the final one): the operator's author and the task's trailer.</summary>
    private CommitRequest CommitOf(TaskAttempt attempt, string message) => new(message, _author, attempt.Task.Id);

    private static string Clip(string value, int max) => value.Length <= max ? value : value[..(max - 1)] + "…";

    [LoggerMessage(EventId = 6001, Level = LogLevel.Information, Message = "Task {TaskId} resumes after stage {Stage}")]
    private static partial void LogResumed(ILogger logger, string taskId, string stage);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Warning, Message = "Releasing the worktree of task {TaskId} failed: {Reason}")]
    private static partial void LogReleaseFailed(ILogger logger, string taskId, string reason);

    [LoggerMessage(EventId = 6003, Level = LogLevel.Warning, Message = "Task {TaskId}: the worktree holds none of the {Count} recorded subtasks' work; building them again")]
    private static partial void LogProgressLost(ILogger logger, string taskId, int count);

    [LoggerMessage(EventId = 6004, Level = LogLevel.Warning, Message = "Task {TaskId}: the repository map could not be built ({Reason}); planning without it")]
    private static partial void LogRepoMapFailed(ILogger logger, string taskId, string reason);

    /// <summary>The repository's setup commands, then the baseline run of its verification on the untouched base.</summary>
    private sealed class PreparePhase(AgentTaskExecutor executor, Verifier verifier, bool untouched) : ITaskPhase
    {
        // Setup runs again on every attempt until the build is done: a recreated worktree lacks what it made.
        public CheckpointStage? DoneAt => CheckpointStage.Built;

        public async Task<TaskOutcome?> RunAsync(TaskAttempt attempt, CancellationToken cancellationToken)
        {
            var run = attempt.Run;
            if (await executor.SetupAsync(attempt.Config, attempt.Workspace, attempt.Cache, run, cancellationToken) is { } setupFailure)
            {
                return setupFailure;
            }
            if (attempt.Verification.Count > 0 && untouched)
            {
                await run.EmitAsync(EventTypes.VerifyStarted, NightshiftJson.Payload(new { baseline = true, commands = attempt.Verification }), cancellationToken);
                var baseline = await verifier.BaselineAsync(cancellationToken);
                await run.EmitAsync(EventTypes.VerifyBaseline, NightshiftJson.Payload(new
                {
                    passed = baseline.All(c => c.Passed),
                    failingTests = baseline.SelectMany(c => c.FailingTests).Take(50),
                }), cancellationToken);
            }
            return null;
        }
    }
}
