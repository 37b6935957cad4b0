using Nightshift.Agent.Configuration;
using Nightshift.Agent.Tools;
using Nightshift.Core.Events;
using Nightshift.Core.Events.Payloads;
using Nightshift.Core.Execution;
using Nightshift.Core.Serialization;
using Nightshift.Workspaces;

namespace Nightshift.Agent.Execution;

/// <summary>The repository's setup commands from <c>.nightshift.yml</c>, run in the sandbox on a worktree (the task's, or a subtask's own).</summary>
internal sealed class RepositorySetup(TaskSandbox sandbox, TimeSpan timeout)
{
    /// <summary>Runs every setup command in order; a failed one ends the task with its output, and null means all passed.</summary>
    public async Task<TaskOutcome?> RunAsync(RepoConfig config, Workspace workspace, string cache, ITaskRun run, CancellationToken cancellationToken)
    {
        var network = PhaseNetworkPolicy.Resolve(config.Network, sandbox.Ceilings);
        if (network.Capped.Count > 0)
        {
            await run.EmitAsync(EventTypes.NetworkCapped, NightshiftJson.Payload(new NetworkCappedPayload(
                [.. network.Capped.Select(p => p.ToString().ToLowerInvariant())],
                $"{RepoConfigParser.FileName} asks for network in {string.Join(", ", network.Capped.Select(p => p.ToString().ToLowerInvariant()))}, which the operator's Sandbox:Network ceiling does not allow; those phases run without network")), cancellationToken);
        }
        if (config.Setup.Count == 0)
        {
            return null;
        }
        var runner = sandbox.Runner(run, workspace, cache, "setup", network.Setup);
        foreach (var command in config.Setup)
        {
            var outcome = await runner.RunAsync(command, timeout, cancellationToken);
            if (outcome.ExitCode != 0 || outcome.TimedOut)
            {
                return TaskOutcome.Failed(
                    $"the repository's setup command `{command}` {(outcome.TimedOut ? "timed out" : $"failed with exit code {outcome.ExitCode}")}; fix it in .nightshift.yml. Last output: {OutputText.Cap(outcome.Output.Trim(), 600)}");
            }
        }
        return null;
    }
}
