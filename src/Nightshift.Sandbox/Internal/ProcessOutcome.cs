namespace Nightshift.Sandbox.Internal;

/// <summary>What a started process did, before the sandbox reads limits into it.</summary>
internal sealed record ProcessOutcome(int ExitCode, string Stdout, string Stderr, bool Truncated, TimeSpan Duration, bool TimedOut)
{
    public long StdoutBytes { get; init; }

    public long StderrBytes { get; init; }

    /// <summary>CPU time of every process of the jail, where a cgroup accounts it.</summary>
    public TimeSpan? CpuTime { get; init; }
}
