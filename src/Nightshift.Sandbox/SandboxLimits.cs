namespace Nightshift.Sandbox;

/// <summary>
/// Resource limits for one command. Null means "take the default" in a spec and "no limit" in
/// <see cref="SandboxOptions.DefaultLimits"/>.
/// </summary>
public sealed record SandboxLimits
{
    /// <summary>CPU seconds per process (RLIMIT_CPU); the process gets SIGXCPU.</summary>
    public int? CpuSeconds { get; init; }

    /// <summary>Memory of the whole jail, page cache and tmpfs included (a cgroup limit; the kernel kills on excess).</summary>
    public long? MemoryBytes { get; init; }

    /// <summary>
    /// Address space per process (RLIMIT_AS). Off by default: runtimes such as .NET and Node reserve far more address
    /// space than they use and fail to start under a tight value. The fallback when no memory cgroup is writable.
    /// </summary>
    public long? AddressSpaceBytes { get; init; }

    /// <summary>Largest file a process may write (RLIMIT_FSIZE, whole KiB); the process gets SIGXFSZ.</summary>
    public long? FileSizeBytes { get; init; }

    /// <summary>Open files per process (RLIMIT_NOFILE).</summary>
    public int? OpenFiles { get; init; }

    /// <summary>Processes and threads in the whole jail (a pids cgroup; RLIMIT_NPROC as well, which root ignores).</summary>
    public int? Processes { get; init; }

    /// <summary>Size of each of the jail's private /tmp and HOME tmpfs.</summary>
    public long? TmpfsBytes { get; init; }

    /// <summary>The sensible defaults for agent and test commands.</summary>
    public static SandboxLimits Default { get; } = new()
    {
        CpuSeconds = 900,
        MemoryBytes = 4L << 30,
        FileSizeBytes = 2L << 30,
        OpenFiles = 4096,
        Processes = 1024,
        TmpfsBytes = 1L << 30,
    };

    /// <summary>This set with every unset field taken from <paramref name="defaults"/>.</summary>
    public SandboxLimits Over(SandboxLimits defaults) => new()
    {
        CpuSeconds = CpuSeconds ?? defaults.CpuSeconds,
        MemoryBytes = MemoryBytes ?? defaults.MemoryBytes,
        AddressSpaceBytes = AddressSpaceBytes ?? defaults.AddressSpaceBytes,
        FileSizeBytes = FileSizeBytes ?? defaults.FileSizeBytes,
        OpenFiles = OpenFiles ?? defaults.OpenFiles,
        Processes = Processes ?? defaults.Processes,
        TmpfsBytes = TmpfsBytes ?? defaults.TmpfsBytes,
    };
}
