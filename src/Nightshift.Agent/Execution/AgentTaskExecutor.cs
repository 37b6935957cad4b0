using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nightshift.Agent.Configuration;
using Nightshift.Agent.Loop;
using Nightshift.Agent.Tools;
using Nightshift.Agent.Verification;
using Nightshift.Core.Configuration;
using Nightshift.Core.Errors;
using Nightshift.Core.Events;
using Nightshift.Core.Execution;
using Nightshift.Core.Forges;
using Nightshift.Core.Serialization;
using Nightshift.Core.Tasks;
using Nightshift.Models.Errors;
using Nightshift.Sandbox;
using Nightshift.Workspaces;

namespace Nightshift.Agent.Execution;

/// <summary>
/// Runs one task end to end: worktree → .nightshift.yml and AGENTS.md → setup in the sandbox → baseline → build agent
/// → verification rounds with feedback → commit, push, pull request → final state. A checkpoint after every phase lets a
/// reclaimed task resume instead of starting over.
/// </summary>
public sealed partial class AgentTaskExecutor(
    WorkspaceManager workspaces,
    ISandbox sandbox,
    IAgentModels models,
    IForge forge,
    IOptions<AgentOptions> options,
    IOptions<WorkspaceOptions> workspaceOptions,
    TimeProvider time,
    ILogger<AgentTaskExecutor> logger) : ITaskExecutor
{
    private readonly AgentOptions _options = options.Value;
    private readonly string _cacheRoot = Path.Combine(NightshiftPaths.ResolveDataDirectory(workspaceOptions.Value.DataDirectory), "cache");

    public async Task<TaskOutcome> ExecuteAsync(ITaskRun run, CancellationToken cancellationToken)
    {
        var task = run.Task;
        var checkpoint = ReadCheckpoint(run.Checkpoint);
        Workspace? workspace = null;
        var keepWorktree = true;
        AgentModel? model = null;
        try
        {
            // The model first: a missing key or model name should fail the task before any clone or setup runs.
            model = models.CreateBuild(task, fallback => _ = run.EmitAsync(EventTypes.ModelFallback, NightshiftJson.Payload(new
            {
                from = fallback.From.ToString(),
                to = fallback.To.ToString(),
                kind = fallback.Kind.ToString(),
                reason = fallback.Reason,
            }), CancellationToken.None));
            await run.SetPhaseAsync(TaskPhase.Preparing, cancellationToken);
            workspace = await workspaces.PrepareAsync(new WorkspaceRequest(task.Id, task.Repo, task.BaseBranch, task.Title), cancellationToken);
            await run.EmitAsync(EventTypes.WorkspaceReady, NightshiftJson.Payload(new
            {
                branch = workspace.Branch,
                baseBranch = workspace.BaseBranch,
                baseCommit = workspace.BaseCommit,
                resumed = checkpoint.Stage != "prepared" || run.Attempt > 1,
            }), cancellationToken);

            var config = await RepoConfigParser.LoadAsync(workspace.Path, cancellationToken);
            var agentsMd = await ReadInstructionsAsync(workspace.Path, cancellationToken);
            var cache = Path.Combine(_cacheRoot, workspace.Repository.Key);
            Directory.CreateDirectory(cache);
            var verification = VerificationDetector.Detect(workspace.Path, config);
            var verifier = new Verifier(Runner(run, workspace, cache, "verify", NetworkPolicy.Off), verification, _options.VerificationTimeout);

            if (!checkpoint.Reached("built"))
            {
                if (await SetupAsync(config, workspace, cache, run, cancellationToken) is { } setupFailure)
                {
                    return setupFailure;
                }
                if (verification.Count > 0)
                {
                    await run.EmitAsync(EventTypes.VerifyStarted, NightshiftJson.Payload(new { baseline = true, commands = verification }), cancellationToken);
                    var baseline = await verifier.BaselineAsync(cancellationToken);
                    await run.EmitAsync(EventTypes.VerifyBaseline, NightshiftJson.Payload(new
                    {
                        passed = baseline.All(c => c.Passed),
                        failingTests = baseline.SelectMany(c => c.FailingTests).Take(50),
                    }), cancellationToken);
                }
            }
            else
            {
                // A resumed run cannot re-run the baseline on a worktree that already holds the change.
                LogResumed(logger, task.Id, checkpoint.Stage);
            }

            var budget = new BudgetTracker(_options.Budget, time);
            var context = new ToolContext(new Worktree(workspace.Path), Runner(run, workspace, cache, "agent", NetworkPolicy.Off), new WorkspaceDiffSource(workspaces, workspace));
            var loop = new AgentLoop(model.Client, ToolBox.BuildTools(), context, new RunObserver(run, "build"), model.Meter, budget, time);
            List<ChatMessage> conversation =
            [
                new(ChatRole.System, Prompts.System(verification)),
                new(ChatRole.User, Prompts.Task(task, agentsMd, config)),
            ];

            var summary = checkpoint.Summary;
            var stopReason = checkpoint.StopReason;
            VerificationResult? verdict = null;
            var rounds = checkpoint.Rounds;
            if (!checkpoint.Reached("built"))
            {
                await run.SetPhaseAsync(TaskPhase.Building, cancellationToken);
                var result = await loop.RunAsync(conversation, pinned: 2, cancellationToken);
                summary = result.Summary;
                stopReason = result.StopReason;
                checkpoint = checkpoint with { Stage = "built", Summary = summary, StopReason = stopReason };
                await SaveAsync(run, checkpoint, cancellationToken);
            }

            if (!checkpoint.Reached("verified"))
            {
                while (true)
                {
                    await run.SetPhaseAsync(TaskPhase.Verifying, cancellationToken);
                    rounds++;
                    verdict = await VerifyAsync(verifier, rounds, run, cancellationToken);
                    if (verdict.Passed || stopReason is not null || rounds > _options.VerificationRounds)
                    {
                        break;
                    }
                    await run.SetPhaseAsync(TaskPhase.Building, cancellationToken);
                    conversation.Add(new ChatMessage(ChatRole.User, Verifier.Feedback(verdict)));
                    var again = await loop.RunAsync(conversation, pinned: 2, cancellationToken);
                    summary = again.Summary ?? summary;
                    stopReason = again.StopReason;
                    await SaveAsync(run, checkpoint with { Summary = summary, StopReason = stopReason, Rounds = rounds }, cancellationToken);
                }
                checkpoint = checkpoint with
                {
                    Stage = "verified",
                    Summary = summary,
                    StopReason = stopReason,
                    Rounds = rounds,
                    VerificationPassed = verdict.Passed,
                    VerificationSummary = verdict.Summary,
                };
                await SaveAsync(run, checkpoint, cancellationToken);
            }

            await run.SetPhaseAsync(TaskPhase.Publishing, cancellationToken);
            var outcome = await PublishAsync(run, workspace, checkpoint, budget, cancellationToken);
            keepWorktree = outcome.Kind != OutcomeKind.Succeeded;
            return outcome;
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
        catch (NightshiftException e) when (e is not LeaseLostException)
        {
            // Bad configuration, a refused repository, a broken .nightshift.yml, no sandbox: retrying will not help.
            return TaskOutcome.Failed(e.Message);
        }
        finally
        {
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

    private async Task<TaskOutcome?> SetupAsync(RepoConfig config, Workspace workspace, string cache, ITaskRun run, CancellationToken cancellationToken)
    {
        if (config.Setup.Count == 0)
        {
            return null;
        }
        var network = config.Network == RepoNetworkPolicy.Off ? NetworkPolicy.Off : NetworkPolicy.On;
        var runner = Runner(run, workspace, cache, "setup", network);
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

    private SandboxCommandRunner Runner(ITaskRun run, Workspace workspace, string cache, string purpose, NetworkPolicy network) =>
        new(sandbox, run, workspace.Path, cache, network, purpose);

    private static async Task<VerificationResult> VerifyAsync(Verifier verifier, int round, ITaskRun run, CancellationToken cancellationToken)
    {
        await run.EmitAsync(EventTypes.VerifyStarted, NightshiftJson.Payload(new { baseline = false, round, commands = verifier.Commands }), cancellationToken);
        var verdict = await verifier.VerifyAsync(cancellationToken);
        await run.EmitAsync(verdict.Passed ? EventTypes.VerifyPassed : EventTypes.VerifyFailed, NightshiftJson.Payload(new
        {
            round,
            summary = verdict.Summary,
            newFailures = verdict.NewFailures.Take(50),
            preExistingFailures = verdict.PreExistingFailures.Take(50),
            skipped = verdict.NothingToRun,
        }), cancellationToken);
        return verdict;
    }

    private async Task<TaskOutcome> PublishAsync(ITaskRun run, Workspace workspace, ExecutionCheckpoint checkpoint, BudgetTracker budget, CancellationToken cancellationToken)
    {
        var task = run.Task;
        var summary = string.IsNullOrWhiteSpace(checkpoint.Summary) ? task.Title : checkpoint.Summary.Trim();
        var title = Clip(summary.Split('\n', 2)[0].Trim(), 72);
        if (!checkpoint.Reached("committed"))
        {
            var author = _options.CommitAuthorName is { } name ? new CommitAuthor(name, _options.CommitAuthorEmail ?? "nightshift@localhost") : null;
            var commit = await workspaces.CommitAsync(workspace, new CommitRequest(summary, author, task.Id), cancellationToken);
            if (commit is null)
            {
                var why = checkpoint.StopReason ?? "the agent finished without changing any file";
                return TaskOutcome.Failed($"no change to publish: {why}");
            }
            await run.EmitAsync(EventTypes.CommitCreated, NightshiftJson.Payload(new { commit = commit.Commit, branch = commit.Branch, files = commit.ChangedPaths.Take(200) }), cancellationToken);
            checkpoint = checkpoint with { Stage = "committed", Commit = commit.Commit };
            await SaveAsync(run, checkpoint, cancellationToken);
        }
        if (!checkpoint.Reached("pushed"))
        {
            await workspaces.PushAsync(workspace, credentials: null, cancellationToken);
            await run.EmitAsync(EventTypes.BranchPushed, NightshiftJson.Payload(new { branch = workspace.Branch, remote = workspace.Repository.Location }), cancellationToken);
            checkpoint = checkpoint with { Stage = "pushed" };
            await SaveAsync(run, checkpoint, cancellationToken);
        }

        var passed = checkpoint.VerificationPassed == true && checkpoint.StopReason is null;
        var diff = await workspaces.DiffAsync(workspace, cancellationToken);
        var pull = await forge.OpenAsync(new PullRequestDraft(
            task.Id, task.Repo, workspace.Branch, workspace.BaseBranch,
            (passed ? "" : "[needs review] ") + title,
            PullRequestBody(task, summary, checkpoint, budget),
            diff,
            Draft: !passed), cancellationToken);
        await run.EmitAsync(EventTypes.PrOpened, NightshiftJson.Payload(new { forge = pull.Forge, reference = pull.Reference, title = pull.Title, draft = pull.Draft }), cancellationToken);
        await SaveAsync(run, checkpoint with { Stage = "published" }, cancellationToken);

        if (passed)
        {
            return TaskOutcome.Succeeded(workspace.Branch, pull.Reference);
        }
        var reason = checkpoint.StopReason is { } stop
            ? $"{stop}; the work so far is on branch {workspace.Branch} for review"
            : $"{checkpoint.VerificationSummary}; the change is on branch {workspace.Branch} as a draft pull request";
        return TaskOutcome.NeedsReview(reason, workspace.Branch, pull.Reference);
    }

    private static string PullRequestBody(TaskRecord task, string summary, ExecutionCheckpoint checkpoint, BudgetTracker budget)
    {
        var usage = budget.Usage;
        var cost = usage.CostComplete
            ? $"${usage.CostUsd.ToString("0.0000", CultureInfo.InvariantCulture)}"
            : $"at least ${usage.CostUsd.ToString("0.0000", CultureInfo.InvariantCulture)} ({usage.UnpricedCalls} call(s) of unknown price)";
        var text = new StringBuilder();
        text.Append("## Summary\n\n").Append(summary).Append("\n\n");
        text.Append("## Verification\n\n").Append(checkpoint.VerificationSummary ?? "not run").Append('\n');
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

    private async Task<string?> ReadInstructionsAsync(string worktree, CancellationToken cancellationToken)
    {
        var file = new FileInfo(Path.Combine(worktree, "AGENTS.md"));
        if (!file.Exists || file.LinkTarget is not null)
        {
            return null;
        }
        var text = await File.ReadAllTextAsync(file.FullName, cancellationToken);
        return text.Length <= _options.MaxInstructionsChars
            ? text
            : text[.._options.MaxInstructionsChars] + "\n[AGENTS.md was cut here: it is longer than Nightshift passes on]";
    }

    private static ExecutionCheckpoint ReadCheckpoint(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return new ExecutionCheckpoint();
        }
        try
        {
            return JsonSerializer.Deserialize<ExecutionCheckpoint>(json, NightshiftJson.Options) ?? new ExecutionCheckpoint();
        }
        catch (JsonException)
        {
            return new ExecutionCheckpoint();
        }
    }

    private static Task SaveAsync(ITaskRun run, ExecutionCheckpoint checkpoint, CancellationToken cancellationToken) =>
        run.CheckpointAsync(JsonSerializer.Serialize(checkpoint, NightshiftJson.Options), cancellationToken);

    private static string Clip(string value, int max) => value.Length <= max ? value : value[..(max - 1)] + "…";

    [LoggerMessage(EventId = 6001, Level = LogLevel.Information, Message = "Task {TaskId} resumes after stage {Stage}")]
    private static partial void LogResumed(ILogger logger, string taskId, string stage);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Warning, Message = "Releasing the worktree of task {TaskId} failed: {Reason}")]
    private static partial void LogReleaseFailed(ILogger logger, string taskId, string reason);
}
