using System.Threading.Channels;
using Nightshift.Agent.Tools;
using Nightshift.Core.Events;
using Nightshift.Core.Events.Payloads;
using Nightshift.Core.Execution;
using Nightshift.Core.Serialization;
using Nightshift.Sandbox;
using Nightshift.Sandbox.Network;

namespace Nightshift.Agent.Execution;

/// <summary>
/// Runs the agent's and the verifier's commands in the bubblewrap jail on the task's worktree and streams their output
/// as <c>command.output</c> events (in batches of lines, so a chatty test run does not become thousands of writes).
/// A networked command's every connection through the egress proxy becomes a <c>network.allowed</c> or
/// <c>network.denied</c> event, attributed to the phase (<c>purpose</c>) and the command.
/// </summary>
internal sealed class SandboxCommandRunner(ISandbox sandbox, ITaskRun run, string worktree, string? cachePath, NetworkPolicy network, string purpose)
    : ICommandRunner
{
    private const int LinesPerEvent = 40;
    private const int MaxEventLinesPerCommand = 2_000;
    private const int MaxNetworkEventsPerCommand = 500;

    public async Task<CommandOutcome> RunAsync(string command, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var lines = Channel.CreateUnbounded<OutputLine>(new UnboundedChannelOptions { SingleReader = true });
        var pump = PumpAsync(command, lines.Reader, cancellationToken);
        var decisions = Channel.CreateUnbounded<NetworkDecision>(new UnboundedChannelOptions { SingleReader = true });
        var networkPump = PumpNetworkAsync(command, decisions.Reader, cancellationToken);
        CommandResult result;
        try
        {
            result = await sandbox.RunAsync(CommandSpec.Shell(command) with
            {
                WorktreePath = worktree,
                CachePath = cachePath,
                Network = network,
                Timeout = timeout,
                OnOutput = line => lines.Writer.TryWrite(line),
                OnNetwork = network == NetworkPolicy.On ? decision => decisions.Writer.TryWrite(decision) : null,
            }, cancellationToken);
        }
        finally
        {
            lines.Writer.TryComplete();
            decisions.Writer.TryComplete();
            await pump;
            await networkPump;
        }
        var output = string.IsNullOrEmpty(result.Stderr) ? result.Stdout : $"{result.Stdout}\n{result.Stderr}";
        if (result.LimitHit is not SandboxLimit.None)
        {
            output += $"\n[the sandbox stopped the command: {result.LimitHit} limit reached]";
        }
        return new CommandOutcome(result.ExitCode, output, result.Duration, result.TimedOut, result.Truncated);
    }

    private async Task PumpAsync(string command, ChannelReader<OutputLine> reader, CancellationToken cancellationToken)
    {
        var batch = new List<string>(LinesPerEvent);
        var sent = 0;
        var dropped = 0;
        try
        {
            while (await reader.WaitToReadAsync(cancellationToken))
            {
                while (reader.TryRead(out var line))
                {
                    if (sent + batch.Count >= MaxEventLinesPerCommand)
                    {
                        dropped++;
                        continue;
                    }
                    batch.Add(line.Text);
                    if (batch.Count >= LinesPerEvent)
                    {
                        sent += batch.Count;
                        await FlushAsync(command, batch, cancellationToken);
                    }
                }
                if (batch.Count > 0)
                {
                    sent += batch.Count;
                    await FlushAsync(command, batch, cancellationToken);
                }
            }
            if (dropped > 0)
            {
                batch.Add($"… {dropped} more lines not streamed (the tool result keeps the head and tail)");
                await FlushAsync(command, batch, cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
            // The command was cancelled; whatever was not streamed is in the result.
        }
    }

    private async Task PumpNetworkAsync(string command, ChannelReader<NetworkDecision> reader, CancellationToken cancellationToken)
    {
        var sent = 0;
        var dropped = 0;
        try
        {
            await foreach (var decision in reader.ReadAllAsync(cancellationToken))
            {
                if (sent >= MaxNetworkEventsPerCommand)
                {
                    dropped++;
                    continue;
                }
                sent++;
                await run.EmitAsync(decision.Allowed ? EventTypes.NetworkAllowed : EventTypes.NetworkDenied, NightshiftJson.Payload(new NetworkDecisionPayload(
                    purpose,
                    command,
                    decision.Host,
                    decision.Port,
                    decision.Method,
                    decision.Address,
                    decision.Reason)), cancellationToken);
            }
            if (dropped > 0)
            {
                await run.EmitAsync(EventTypes.CommandOutput, NightshiftJson.Payload(new CommandOutputPayload(
                    purpose,
                    command,
                    [$"… {dropped} more network connections were made or refused but not recorded as events (at most {MaxNetworkEventsPerCommand} per command)"])), cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
            // The command was cancelled; its remaining decisions are not recorded.
        }
    }

    private async Task FlushAsync(string command, List<string> batch, CancellationToken cancellationToken)
    {
        await run.EmitAsync(EventTypes.CommandOutput, NightshiftJson.Payload(new CommandOutputPayload(purpose, command, batch)), cancellationToken);
        batch.Clear();
    }
}
