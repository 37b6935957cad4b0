using System.Threading.Channels;
using Nightshift.Agent.Tools;
using Nightshift.Core.Events;
using Nightshift.Core.Execution;
using Nightshift.Core.Serialization;
using Nightshift.Sandbox;

namespace Nightshift.Agent.Execution;

/// <summary>
/// Runs the agent's and the verifier's commands in the bubblewrap jail on the task's worktree and streams their output
/// as <c>command.output</c> events (in batches of lines, so a chatty test run does not become thousands of writes).
/// </summary>
internal sealed class SandboxCommandRunner(ISandbox sandbox, ITaskRun run, string worktree, string? cachePath, NetworkPolicy network, string purpose)
    : ICommandRunner
{
    private const int LinesPerEvent = 40;
    private const int MaxEventLinesPerCommand = 2_000;

    public async Task<CommandOutcome> RunAsync(string command, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var lines = Channel.CreateUnbounded<OutputLine>(new UnboundedChannelOptions { SingleReader = true });
        var pump = PumpAsync(command, lines.Reader, cancellationToken);
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
            }, cancellationToken);
        }
        finally
        {
            lines.Writer.TryComplete();
            await pump;
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

    private async Task FlushAsync(string command, List<string> batch, CancellationToken cancellationToken)
    {
        await run.EmitAsync(EventTypes.CommandOutput, NightshiftJson.Payload(new { purpose, command, lines = batch }), cancellationToken);
        batch.Clear();
    }
}
