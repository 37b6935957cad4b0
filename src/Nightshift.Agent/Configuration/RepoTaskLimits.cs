namespace Nightshift.Agent.Configuration;

/// <summary>Limits a repository's <c>.nightshift.yml</c> asks for one attempt at a task as a whole (<c>limits: task:</c>).</summary>
public sealed record RepoTaskLimits
{
    public static RepoTaskLimits Unstated { get; } = new();

    /// <summary><c>timeout</c>: wall-clock time from the attempt's start; past it the task ends <c>timed_out</c>.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary><c>cpu_seconds</c>: CPU time of all the attempt's commands together; past it the task fails.</summary>
    public long? CpuSeconds { get; init; }

    /// <summary><c>disk</c>: size of the task's worktree and cache folder together; past it the task fails.</summary>
    public long? DiskBytes { get; init; }
}
