namespace Nightshift.Agent.Configuration;

/// <summary>
/// Resource limits a repository's <c>.nightshift.yml</c> asks for each command (<c>limits: command:</c>, or one phase's
/// override); a null field asks for nothing, so the operator's default holds.
/// </summary>
public sealed record RepoCommandLimits
{
    public static RepoCommandLimits Unstated { get; } = new();

    /// <summary><c>cpu_seconds</c>: CPU seconds per process.</summary>
    public int? CpuSeconds { get; init; }

    /// <summary><c>memory</c>: memory of the command's whole jail.</summary>
    public long? MemoryBytes { get; init; }

    /// <summary><c>processes</c>: processes and threads in the command's jail.</summary>
    public int? Processes { get; init; }

    /// <summary><c>file_size</c>: the largest file a process may write.</summary>
    public long? FileSizeBytes { get; init; }

    /// <summary><c>tmp</c>: size of the jail's private /tmp (and HOME).</summary>
    public long? TmpfsBytes { get; init; }

    /// <summary><c>timeout</c>: wall-clock time of one command.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>This set with every unset field taken from <paramref name="fallback"/>.</summary>
    public RepoCommandLimits Over(RepoCommandLimits fallback) => new()
    {
        CpuSeconds = CpuSeconds ?? fallback.CpuSeconds,
        MemoryBytes = MemoryBytes ?? fallback.MemoryBytes,
        Processes = Processes ?? fallback.Processes,
        FileSizeBytes = FileSizeBytes ?? fallback.FileSizeBytes,
        TmpfsBytes = TmpfsBytes ?? fallback.TmpfsBytes,
        Timeout = Timeout ?? fallback.Timeout,
    };
}
