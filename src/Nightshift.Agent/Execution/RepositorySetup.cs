using Nightshift.Agent.Configuration;
using Nightshift.Agent.Tools;
using Nightshift.Core.Events;
using Nightshift.Core.Events.Payloads;
using Nightshift.Core.Execution;
using Nightshift.Core.Serialization;
using Nightshift.Workspaces;

namespace Nightshift.Agent.Execution;

/// <summary>
/// The repository's setup commands from <c>.nightshift.yml</c>, run in the sandbox on a worktree (the task's, or a
/// subtask's own). The task's own setup goes through the setup cache when there is one: a stored result is restored
/// instead of running the commands, and a fresh result is stored for the next task.
/// </summary>
internal sealed class RepositorySetup(TaskSandbox sandbox, TimeSpan timeout, CachedSetup? cache = null)
{
    /// <summary>Runs every setup command in order; a failed one ends the task with its output, and null means all passed.</summary>
    public async Task<TaskOutcome?> RunAsync(ISetupAttempt attempt, Workspace workspace, string? subtask, CancellationToken cancellationToken)
    {
        var config = attempt.Config;
        var run = attempt.Run;
        if (sandbox.Networks(config, attempt.Task).CappedPayload() is { } capped)
        {
            await run.EmitAsync(EventTypes.NetworkCapped, NightshiftJson.Payload(capped), cancellationToken);
        }
        if (config.Setup.Count == 0)
        {
            return null;
        }
        // A subtask's worktree shares the task's cache folder, which the task's setup (or its restore) already filled.
        var lookup = cache is not null && subtask is null ? await cache.LookupAsync(attempt, workspace, cancellationToken) : null;
        if (lookup is { Hit: true })
        {
            return null;
        }
        var runner = sandbox.Runner(run, workspace, attempt.Cache, sandbox.Phase(config, attempt.Task, "setup", RepoNetworkPhase.Setup, subtask));
        // The repository's own setup timeout, where it sets one (already within the operator's maximum), replaces Agent:SetupTimeout.
        var commandTimeout = sandbox.Limits(config).Timeout(RepoNetworkPhase.Setup) ?? timeout;
        foreach (var command in config.Setup)
        {
            var outcome = await runner.RunAsync(command, commandTimeout, cancellationToken);
            if (outcome.ExitCode != 0 || outcome.TimedOut)
            {
                if (lookup is not null)
                {
                    await cache!.AfterSetupAsync(attempt, workspace, lookup, succeeded: false, cancellationToken);
                }
                return TaskOutcome.Failed(
                    $"the repository's setup command `{command}` {(outcome.TimedOut ? "timed out" : $"failed with exit code {outcome.ExitCode}")}; fix it in .nightshift.yml. Last output: {OutputText.Cap(outcome.Output.Trim(), 600)}");
            }
        }
        if (lookup is not null)
        {
            await cache!.AfterSetupAsync(attempt, workspace, lookup, succeeded: true, cancellationToken);
        }
        return null;
    }
}
