using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
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
/// <c>network.denied</c> event, attributed to the phase (<c>purpose</c>) and the command. Every command, however it
/// ended (also cancelled, or refused by the sandbox), is then added to the task's command audit trail
/// (<see cref="ITaskRun.RecordCommandAsync"/>) with its outcome, output bytes and the proxy's decisions per host.
/// </summary>
internal sealed partial class SandboxCommandRunner(
    ISandbox sandbox, ITaskRun run, string worktree, string? cachePath, PhaseCommands phase, TimeProvider? time = null, ILogger? logger = null)
    : ICommandRunner
{
    /// <summary>The audit trail's name of a command the attempt's cancellation stopped.</summary>
    internal const string CancelledLimit = "cancelled";

    /// <summary>The audit trail's name of a command the sandbox refused to start (a bad spec, no sandbox).</summary>
    internal const string RefusedLimit = "refused";

    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly ILogger _logger = logger ?? NullLogger.Instance;
    private const int LinesPerEvent = 40;
    private const int MaxEventLinesPerCommand = 2_000;
    private const int MaxNetworkEventsPerCommand = 500;
    private readonly string purpose = phase.Purpose;
    private readonly NetworkPolicy network = phase.Network;

    /// <summary>The attempt's task limits, which every command's CPU time and disk use count against; null: none.</summary>
    public TaskLimitWatch? Watch { get; init; }

    public async Task<CommandOutcome> RunAsync(string command, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var result = await RunSpecAsync(command, CommandSpec.Shell(command), timeout, cancellationToken);
        var output = string.IsNullOrEmpty(result.Stderr) ? result.Stdout : $"{result.Stdout}\n{result.Stderr}";
        if (result.LimitHit is not SandboxLimit.None)
        {
            output += $"\n[the sandbox stopped the command: {result.LimitHit} limit reached]";
        }
        return new CommandOutcome(result.ExitCode, output, result.Duration, result.TimedOut, result.Truncated);
    }

    /// <summary>
    /// Runs <paramref name="spec"/> (its program, arguments, environment and output cap; the rest is this runner's) as
    /// <see cref="RunAsync"/> does, shown and audited as <paramref name="command"/>, and returns stdout and stderr apart.
    /// </summary>
    public async Task<CommandResult> RunSpecAsync(string command, CommandSpec spec, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        Watch?.Token.ThrowIfCancellationRequested();
        var lines = Channel.CreateUnbounded<OutputLine>(new UnboundedChannelOptions { SingleReader = true });
        var pump = PumpAsync(command, lines.Reader, cancellationToken);
        var decisions = Channel.CreateUnbounded<NetworkDecision>(new UnboundedChannelOptions { SingleReader = true });
        var networkPump = PumpNetworkAsync(command, decisions.Reader, cancellationToken);
        var tally = new HostDecisionTally();
        var startedAt = _time.GetUtcNow();
        // A command whose attempt was already stopped never starts and leaves no row.
        var stoppedBefore = cancellationToken.IsCancellationRequested;
        var started = _time.GetTimestamp();
        CommandResult? result = null;
        string? ending = null;
        try
        {
            result = await sandbox.RunAsync(spec with
            {
                WorktreePath = worktree,
                CachePath = cachePath,
                Network = network,
                EgressPolicy = phase.Egress,
                EgressCredentials = phase.Credentials,
                Limits = phase.Limits,
                Timeout = timeout,
                OnOutput = line => lines.Writer.TryWrite(line),
                OnNetwork = network.IsNetworked() ? decision =>
                {
                    tally.Add(decision);
                    decisions.Writer.TryWrite(decision);
                } : null,
            }, cancellationToken);
        }
        catch (OperationCanceledException) when (!stoppedBefore)
        {
            ending = CancelledLimit;
            throw;
        }
        catch (Exception ex) when (ex is SandboxUnavailableException or Core.Errors.ValidationException or ArgumentException)
        {
            ending = RefusedLimit;
            throw;
        }
        finally
        {
            lines.Writer.TryComplete();
            decisions.Writer.TryComplete();
            await pump;
            await networkPump;
            if (result is not null || ending is not null)
            {
                await RecordAsync(command, result, ending, startedAt, _time.GetElapsedTime(started), tally, cancellationToken);
            }
        }
        // Past a task limit, the attempt stops here rather than at whatever it awaits next.
        Watch?.Record(result!, worktree, cachePath);
        Watch?.Token.ThrowIfCancellationRequested();
        return result!;
    }

    /// <summary>
    /// Adds the command to the audit trail. A failure to keep it is logged and does not fail the command, except a lost
    /// lease, which ends the attempt like any other fenced write. A cancelled command is still recorded (its token is
    /// spent, so the write gets its own).
    /// </summary>
    private async Task RecordAsync(string command, CommandResult? result, string? ending, DateTimeOffset startedAt, TimeSpan elapsed, HostDecisionTally tally, CancellationToken cancellationToken)
    {
        var entry = new CommandAuditEntry(
            purpose,
            phase.Subtask,
            CommandAuditBounds.Cut(command, CommandAuditEntry.MaxCommandChars),
            "",
            network.ToWire(),
            result?.ExitCode ?? -1,
            result?.Signal,
            result is null ? ending : LimitName(result),
            startedAt,
            result?.Duration ?? elapsed,
            result?.StdoutBytes ?? 0,
            result?.StderrBytes ?? 0,
            tally.Rows());
        try
        {
            await run.RecordCommandAsync(entry, cancellationToken.IsCancellationRequested ? CancellationToken.None : cancellationToken);
        }
        catch (Core.Errors.LeaseLostException) when (result is not null)
        {
            throw;
        }
        catch (Core.Errors.LeaseLostException)
        {
            // The command itself failed or was cancelled; that exception is already on its way and says more.
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && result is not null)
        {
            throw;
        }
#pragma warning disable CA1031 // The audit trail is a record of the work, not the work: a store hiccup must not fail the command.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogRecordFailed(_logger, ex, run.Task.Id, purpose);
        }
    }

    /// <summary>The audit trail's name of the limit that ended a command, or null when none did.</summary>
    internal static string? LimitName(CommandResult result) => result.LimitHit switch
    {
        SandboxLimit.WallClock => "timeout",
        SandboxLimit.CpuTime => "cpu",
        SandboxLimit.Memory => "memory",
        SandboxLimit.FileSize => "file_size",
        SandboxLimit.Processes => "processes",
        _ => result.TimedOut ? "timeout" : null,
    };

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

    [LoggerMessage(EventId = 2300, Level = LogLevel.Warning, Message = "Could not add a {Phase} command of task {TaskId} to its command audit trail; the command's outcome stands, only its audit row is missing")]
    private static partial void LogRecordFailed(ILogger logger, Exception exception, string taskId, string phase);
}
