using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Nightshift.Agent.Configuration;
using Nightshift.Agent.Execution.Phases;
using Nightshift.Core.Events;
using Nightshift.Core.Events.Payloads;
using Nightshift.Core.Execution;
using Nightshift.Core.Pipelines;
using Nightshift.Core.Serialization;
using Nightshift.Core.Tasks;
using Nightshift.Forges;
using Nightshift.Sandbox;
using Nightshift.Workspaces;

namespace Nightshift.Agent.Execution;

/// <summary>
/// A pipeline's command step (<see cref="RunTaskKind.Command"/>): no model. On the run's branch, the repository's
/// setup runs (through the setup cache), then <c>sh -c</c> the step's script in the sandbox with the verify phase's
/// network and limits, its placeholders' values in <c>NIGHTSHIFT_VALUE_n</c> variables (never in the script's text).
/// Its output streams as <c>command.output</c> events and it joins the command audit trail; the last line of its
/// stdout, when a JSON object, is the step's output. Exit 0: the change (if any) is committed and pushed onto the
/// run's branch; any other exit fails the step with the output still reported, and nothing is pushed. A checkpoint
/// after the command means a resumed attempt does not run the command again: it pushes what was committed, or finishes
/// when the run's branch holds that commit already. Only when the commit is lost (made in another worker's worktree and
/// never pushed) does the command run again, and an event says so.
/// </summary>
internal sealed partial class CommandStepExecutor(
    ITaskWorkspaces workspaces, TaskSandbox sandbox, RepositorySetup setup, TaskCommits commits, IForgeResolver forges, TimeSpan defaultTimeout, ILogger logger)
{
    /// <summary>The purpose the step's command is shown and audited under.</summary>
    public const string Purpose = "step";

    /// <summary>How much of each of stdout and stderr is kept (half the head, half the tail: the last line is in the tail).</summary>
    public const int MaxOutputChars = 1 << 20;

    /// <summary>How much of the last stderr line a failure's reason quotes.</summary>
    public const int MaxReasonLineChars = 300;

    [GeneratedRegex("^NIGHTSHIFT_VALUE_[0-9]{1,4}$", RegexOptions.CultureInvariant)]
    private static partial Regex ValueName();

    public async Task<TaskOutcome> RunAsync(ITaskRun run, RunStepTask step, Workspace workspace, TaskLimitWatch watch, CancellationToken cancellationToken)
    {
        var task = run.Task;
        if (string.IsNullOrWhiteSpace(step.Script))
        {
            return TaskOutcome.Failed($"command step {step.Step} of run {step.RunId} has no script to run; give the step a `run:` command");
        }
        if (step.Environment.Keys.FirstOrDefault(name => !ValueName().IsMatch(name ?? "")) is { } refused)
        {
            return TaskOutcome.Failed($"command step {step.Step} of run {step.RunId} asks for environment variable '{Clipping.Clip(refused ?? "", 80)}', but a step's environment may only hold its placeholders' values (NIGHTSHIFT_VALUE_1, NIGHTSHIFT_VALUE_2, …); the run's record is damaged: start the run again");
        }
        var config = await RepoConfigParser.LoadAsync(workspace.Path, cancellationToken);
        watch.Apply(sandbox.Limits(config).Limits.Task, step.TimeoutSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : null);
        var checkpoint = CommandStepCheckpoint.Read(run.Checkpoint);
        var alreadyPushed = false;
        if (checkpoint is { Commit: { } recorded, Pushed: null })
        {
            // An earlier attempt committed and stopped before it recorded the push. Its worktree may be gone (the task
            // moved to another worker): what the run's branch holds now decides whether anything is left to do.
            switch (await workspaces.LocateCommitAsync(workspace, recorded, cancellationToken))
            {
                case CommitPlace.InBase:
                    alreadyPushed = true;
                    break;
                case CommitPlace.Lost:
                    LogCommitLost(logger, task.Id, step.Step, recorded);
                    await Say(run, step, $"the command ran on an earlier attempt, but its commit {recorded[..12]} never reached {workspace.Branch} and the worktree that held it is gone (the task is on another worker now): running the command again, since a step's effect is only its pushed change and its output", cancellationToken);
                    checkpoint = null;
                    break;
            }
        }
        if (checkpoint is null)
        {
            await sandbox.PrepareCredentialsAsync(config, task, cancellationToken);
            var cache = workspaces.TaskCacheFolder(workspace);
            if (await setup.RunAsync(new StepSetupAttempt(run, task, config, cache), workspace, null, cancellationToken) is { } setupFailure)
            {
                return setupFailure;
            }
            await run.SetPhaseAsync(TaskPhase.Building, cancellationToken);
            checkpoint = await RunCommandAsync(run, step, workspace, config, cache, cancellationToken);
            await run.CheckpointAsync(checkpoint.ToJson(), cancellationToken);
        }
        else
        {
            LogResumedAfterCommand(logger, task.Id, step.Step, checkpoint.ExitCode);
        }

        var output = checkpoint.OutputElement();
        if (checkpoint.Failure is { } failure)
        {
            return TaskOutcome.Failed(failure) with { DetailsJson = Details(output, checkpoint.ExitCode) };
        }
        if (checkpoint.Commit is { } commit && checkpoint.Pushed is null)
        {
            await run.SetPhaseAsync(TaskPhase.Publishing, cancellationToken);
            if (alreadyPushed)
            {
                LogAlreadyOnBranch(logger, task.Id, step.Step, commit, workspace.Branch);
                await Say(run, step, $"the command ran on an earlier attempt and its commit {commit[..12]} is on {workspace.Branch} already: finishing with that attempt's result, without running the command or pushing again", cancellationToken);
            }
            else
            {
                var credentials = PublishPhase.Credentials(await forges.Resolve(workspace.Repository.Location, task.OrgId).PushLoginAsync(cancellationToken));
                var sent = await workspaces.PushAsync(workspace, credentials, cancellationToken);
                if (sent.MergedMovedBranch)
                {
                    LogMergedUnder(logger, task.Id, workspace.Branch, sent.Commit);
                }
                commit = sent.Commit;
            }
            // Said again after a resume: the attempt that pushed may have stopped before it said so, and the run opens
            // its pull request only for steps that pushed.
            await run.EmitAsync(EventTypes.BranchPushed, NightshiftJson.Payload(new BranchPushedPayload(workspace.Branch, workspace.Repository.Location)), cancellationToken);
            checkpoint = checkpoint with { Pushed = commit };
            await run.CheckpointAsync(checkpoint.ToJson(), cancellationToken);
        }
        return TaskOutcome.Succeeded(workspace.Branch) with { DetailsJson = Details(output, checkpoint.ExitCode) };
    }

    private async Task<CommandStepCheckpoint> RunCommandAsync(ITaskRun run, RunStepTask step, Workspace workspace, RepoConfig config, string cache, CancellationToken cancellationToken)
    {
        var task = run.Task;
        var runner = sandbox.Runner(run, workspace, cache, sandbox.Phase(config, task, Purpose, RepoNetworkPhase.Verify));
        var timeout = sandbox.Limits(config).Timeout(RepoNetworkPhase.Verify) ?? defaultTimeout;
        var spec = CommandSpec.Exec("/bin/sh", "-c", step.Script!) with
        {
            Environment = step.Environment,
            MaxOutputChars = MaxOutputChars,
        };
        var result = await runner.RunSpecAsync(step.Script!, spec, timeout, cancellationToken);
        var output = StepOutput.FromStdout(result.Stdout, out var whyNone);
        if (whyNone is not null)
        {
            LogNoOutput(logger, task.Id, step.Step, whyNone);
            await run.EmitAsync(EventTypes.CommandOutput, NightshiftJson.Payload(new CommandOutputPayload(Purpose, step.Script!,
                [$"[nightshift] the step has no output: {whyNone}"])), cancellationToken);
        }
        var checkpoint = new CommandStepCheckpoint { ExitCode = result.ExitCode, Output = output?.GetRawText() };
        if (!result.Succeeded)
        {
            return checkpoint with { Failure = FailureReason(result, timeout) };
        }
        var commit = await workspaces.CommitAsync(workspace, new CommitRequest($"pipeline step {step.Step}", commits.Author, task.Id), cancellationToken);
        if (commit is not null)
        {
            await run.EmitAsync(EventTypes.CommitCreated, NightshiftJson.Payload(new CommitCreatedPayload(commit.Commit)
            {
                Branch = commit.Branch,
                Files = [.. commit.ChangedPaths.Take(CommitCreatedPayload.MaxFiles)],
            }), cancellationToken);
        }
        return checkpoint with { Commit = commit?.Commit };
    }

    private static string FailureReason(CommandResult result, TimeSpan timeout)
    {
        if (result.TimedOut || result.LimitHit is SandboxLimit.WallClock)
        {
            return $"the command timed out after {timeout.TotalSeconds:0} s (the verify phase's command timeout); raise limits.verify.timeout in .nightshift.yml or make the command quicker";
        }
        if (result.LimitHit is not (SandboxLimit.None or SandboxLimit.Processes))
        {
            return $"the sandbox stopped the command at its {result.LimitHit} limit (exit {result.ExitCode}); raise the verify phase's limits in .nightshift.yml or make the command use less";
        }
        var line = result.Stderr.AsSpan().TrimEnd();
        var last = line[(line.LastIndexOf('\n') + 1)..].Trim().ToString();
        var said = last.Length == 0 ? "it printed nothing on stderr" : Clipping.Clip(string.Concat(last.Select(c => char.IsControl(c) ? ' ' : c)), MaxReasonLineChars);
        return $"the command exited with {result.ExitCode}: {said}";
    }

    /// <summary>A line of the step's own output from Nightshift, so the task's events say what a resumed attempt decided.</summary>
    private static Task Say(ITaskRun run, RunStepTask step, string line, CancellationToken cancellationToken) =>
        run.EmitAsync(EventTypes.CommandOutput, NightshiftJson.Payload(new CommandOutputPayload(Purpose, step.Script!, [$"[nightshift] {line}"])), cancellationToken);

    private static string Details(System.Text.Json.JsonElement? output, int exitCode) =>
        NightshiftJson.Payload(new TaskFinishedPayload(Output: output, ExitCode: exitCode));

    [LoggerMessage(EventId = 6301, Level = LogLevel.Information, Message = "Task {TaskId}: command step {Step} already ran (exit {ExitCode}) on an earlier attempt; finishing it without running it again")]
    private static partial void LogResumedAfterCommand(ILogger logger, string taskId, string step, int exitCode);

    [LoggerMessage(EventId = 6306, Level = LogLevel.Warning, Message = "Task {TaskId}: command step {Step} committed {Commit} on an earlier attempt whose worktree is gone and never pushed it; running the command again")]
    private static partial void LogCommitLost(ILogger logger, string taskId, string step, string commit);

    [LoggerMessage(EventId = 6307, Level = LogLevel.Information, Message = "Task {TaskId}: command step {Step}'s commit {Commit} is on {Branch} already (an earlier attempt pushed it); not pushing again")]
    private static partial void LogAlreadyOnBranch(ILogger logger, string taskId, string step, string commit, string branch);

    [LoggerMessage(EventId = 6302, Level = LogLevel.Information, Message = "Task {TaskId}: command step {Step} has no output: {Why}")]
    private static partial void LogNoOutput(ILogger logger, string taskId, string step, string why);

    [LoggerMessage(EventId = 6303, Level = LogLevel.Information, Message = "Task {TaskId}: another step of the run pushed to {Branch} first; merged under this step's change and pushed as {Commit}")]
    private static partial void LogMergedUnder(ILogger logger, string taskId, string branch, string commit);
}
