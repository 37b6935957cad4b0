namespace Nightshift.Sandbox;

/// <summary>
/// How a command ended. <see cref="Stdout"/> and <see cref="Stderr"/> keep the head and the tail of each stream, with a
/// marker in between when <see cref="Truncated"/>.
/// </summary>
public sealed record CommandResult(int ExitCode, string Stdout, string Stderr, TimeSpan Duration, bool TimedOut, bool Truncated)
{
    /// <summary>The limit that ended the command, or held it back (a fork bomb meets <see cref="SandboxLimit.Processes"/>).</summary>
    public SandboxLimit LimitHit { get; init; }

    /// <summary>The signal that ended the command's main process, when one did.</summary>
    public int? Signal { get; init; }

    /// <summary>
    /// CPU time (user and system) of every process of the jail, where a cgroup accounts it (Sandbox:UseCgroups with a
    /// writable cpuacct controller under cgroup v1, or any delegated cgroup v2 subtree); null elsewhere.
    /// </summary>
    public TimeSpan? CpuTime { get; init; }

    /// <summary>False only when the loudly-labelled development switch ran the command on the host without a jail.</summary>
    public bool Sandboxed { get; init; } = true;

    /// <summary>Bytes the command wrote to stdout, all of them (as UTF-8), not only the head and tail kept in <see cref="Stdout"/>.</summary>
    public long StdoutBytes { get; init; }

    /// <summary>Bytes the command wrote to stderr, all of them (as UTF-8), not only the head and tail kept in <see cref="Stderr"/>.</summary>
    public long StderrBytes { get; init; }

    /// <summary>True when the command exited with code 0 and no limit or timeout ended it.</summary>
    public bool Succeeded => ExitCode == 0 && !TimedOut && LimitHit is SandboxLimit.None or SandboxLimit.Processes;
}
