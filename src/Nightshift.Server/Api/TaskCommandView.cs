using Nightshift.Core.Execution;
using Nightshift.Storage.Commands;

namespace Nightshift.Server.Api;

/// <summary>
/// One command of a task's audit trail as <c>GET /api/v1/tasks/{id}/commands</c> shows it. <c>exitCode</c> is -1 when the
/// command never exited by itself (<c>limit</c> <c>cancelled</c>: the attempt stopped it; <c>refused</c>: the sandbox
/// did not start it). <c>failed</c>: it exited non-zero or a limit ended it.
/// </summary>
public sealed record TaskCommandView(
    long Seq,
    int Attempt,
    string? Subtask,
    string Phase,
    string Command,
    string WorkingDirectory,
    string Network,
    int ExitCode,
    int? Signal,
    string? Limit,
    bool Failed,
    DateTimeOffset StartedAt,
    long DurationMs,
    long StdoutBytes,
    long StderrBytes,
    int NetworkAllowed,
    int NetworkDenied,
    IReadOnlyList<CommandHostDecisions> Hosts)
{
    internal static TaskCommandView From(TaskCommand command)
    {
        var e = command.Entry;
        return new(
            command.Seq, command.Attempt, e.Subtask, e.Phase, e.Command, e.WorkingDirectory, e.Network, e.ExitCode, e.Signal, e.Limit,
            command.Failed, e.StartedAt, (long)e.Duration.TotalMilliseconds, e.StdoutBytes, e.StderrBytes, e.NetworkAllowed, e.NetworkDenied, e.Hosts);
    }
}
