namespace Nightshift.Core.Execution;

/// <summary>
/// One command a task ran in a jail (setup, the agent's own, verification), as the command audit trail keeps it: it
/// outlives the task's worktree and is served by <c>GET /api/v1/tasks/{id}/commands</c>.
/// </summary>
/// <param name="Phase">the phase that ran it: <c>setup</c>, <c>agent</c>, <c>plan</c>, <c>verify</c> (the purpose given to the runner).</param>
/// <param name="Subtask">the subtask it ran for, or null for the task as a whole.</param>
/// <param name="Command">the command line as run (at most <see cref="MaxCommandChars"/>, cut with a marker).</param>
/// <param name="WorkingDirectory">the folder it started in, relative to the worktree root ("" for the root).</param>
/// <param name="Network">the network policy it ran with: <c>off</c>, <c>allowlist</c> or <c>on</c>.</param>
/// <param name="ExitCode">its exit code (128 + signal when a signal ended it, as a shell reports it).</param>
/// <param name="Signal">the signal that ended its main process, or null.</param>
/// <param name="Limit">the sandbox limit or bound that ended it (<c>timeout</c>, <c>memory</c>, <c>processes</c>, <c>cpu</c>, <c>file_size</c>, …), or null.</param>
/// <param name="StartedAt">when it started.</param>
/// <param name="Duration">how long it ran.</param>
/// <param name="StdoutBytes">bytes it wrote to stdout (all of them, not only what was kept).</param>
/// <param name="StderrBytes">bytes it wrote to stderr.</param>
/// <param name="Hosts">the egress proxy's decisions for it, one row per host, port and outcome, with counts.</param>
public sealed record CommandAuditEntry(
    string Phase,
    string? Subtask,
    string Command,
    string WorkingDirectory,
    string Network,
    int ExitCode,
    int? Signal,
    string? Limit,
    DateTimeOffset StartedAt,
    TimeSpan Duration,
    long StdoutBytes,
    long StderrBytes,
    IReadOnlyList<CommandHostDecisions> Hosts)
{
    public const int MaxCommandChars = 4_000;

    /// <summary>At most this many host rows are kept per command; the rest are counted in the last row's totals.</summary>
    public const int MaxHosts = 100;

    /// <summary>Connections the proxy allowed for it.</summary>
    public int NetworkAllowed => Hosts.Where(h => h.Allowed).Sum(h => h.Count);

    /// <summary>Connections the proxy refused for it.</summary>
    public int NetworkDenied => Hosts.Where(h => !h.Allowed).Sum(h => h.Count);
}

/// <summary>How often the egress proxy allowed or refused one host and port for one command, and the last reason given.</summary>
public sealed record CommandHostDecisions(string Host, int Port, bool Allowed, int Count, string Reason);
