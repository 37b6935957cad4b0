namespace Nightshift.Sandbox;

/// <summary>The limit that ended (or held back) a command.</summary>
public enum SandboxLimit
{
    None,

    /// <summary>The wall-clock timeout passed and the whole process tree was killed.</summary>
    WallClock,

    /// <summary>A process used up its CPU-time allowance (SIGXCPU).</summary>
    CpuTime,

    /// <summary>The memory limit was reached and the kernel killed a process.</summary>
    Memory,

    /// <summary>A process tried to write a file larger than allowed (SIGXFSZ).</summary>
    FileSize,

    /// <summary>The jail tried to create more processes than allowed; forks failed.</summary>
    Processes,
}
