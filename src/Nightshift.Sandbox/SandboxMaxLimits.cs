namespace Nightshift.Sandbox;

/// <summary>
/// The most a repository's <c>.nightshift.yml</c> <c>limits:</c> may ask for (configuration <c>Sandbox:MaxLimits</c>);
/// a value above it is lowered to it. A per-command field left unset makes the operator's default
/// (<see cref="SandboxOptions.DefaultLimits"/>) the maximum, so a repository can only lower it, as before this setting
/// existed; <see cref="Timeout"/> unset is <see cref="SandboxOptions.MaxTimeout"/>; a per-task field left unset is no
/// maximum (the worker's Worker:TaskDeadline still ends every attempt).
/// </summary>
public sealed class SandboxMaxLimits
{
    /// <summary>CPU seconds per process of one command (RLIMIT_CPU).</summary>
    public int? CpuSeconds { get; set; }

    /// <summary>Memory of one command's jail.</summary>
    public long? MemoryBytes { get; set; }

    /// <summary>Largest file one command may write.</summary>
    public long? FileSizeBytes { get; set; }

    /// <summary>Processes and threads in one command's jail.</summary>
    public int? Processes { get; set; }

    /// <summary>Size of each of a jail's private /tmp and HOME tmpfs.</summary>
    public long? TmpfsBytes { get; set; }

    /// <summary>Wall-clock time of one command (setup, agent or verification); unset: Sandbox:MaxTimeout.</summary>
    public TimeSpan? Timeout { get; set; }

    /// <summary>Wall-clock time of one attempt at a task, from its start.</summary>
    public TimeSpan? TaskTimeout { get; set; }

    /// <summary>CPU seconds of all of one attempt's commands together.</summary>
    public long? TaskCpuSeconds { get; set; }

    /// <summary>Size of a task's worktree and cache folder together.</summary>
    public long? TaskDiskBytes { get; set; }
}
