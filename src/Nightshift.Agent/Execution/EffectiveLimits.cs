using Nightshift.Agent.Configuration;
using Nightshift.Core.Events.Payloads;
using Nightshift.Sandbox;

namespace Nightshift.Agent.Execution;

/// <summary>
/// The limits a repository's <c>.nightshift.yml</c> asks for, each lowered to the operator's maximum
/// (Sandbox:MaxLimits; an unset maximum is the operator's default limit, Sandbox:MaxTimeout for a command's timeout), and
/// the ones that had to be lowered.
/// </summary>
internal sealed record EffectiveLimits(RepoLimits Limits, IReadOnlyList<LimitCap> Capped)
{
    public static EffectiveLimits None { get; } = new(RepoLimits.Unstated, []);

    /// <summary>The repository's limits within <paramref name="options"/>' maxima.</summary>
    public static EffectiveLimits Resolve(RepoLimits asked, SandboxOptions options)
    {
        ArgumentNullException.ThrowIfNull(asked);
        ArgumentNullException.ThrowIfNull(options);
        var max = options.MaxLimits ?? new SandboxMaxLimits();
        var defaults = options.DefaultLimits ?? SandboxLimits.Default;
        var maxTimeout = max.Timeout ?? options.MaxTimeout;
        var capped = new List<LimitCap>();

        RepoCommandLimits Command(string group, RepoCommandLimits limits) => new()
        {
            CpuSeconds = (int?)Cap(capped, $"{group}.cpu_seconds", limits.CpuSeconds, max.CpuSeconds ?? defaults.CpuSeconds),
            MemoryBytes = Cap(capped, $"{group}.memory", limits.MemoryBytes, max.MemoryBytes ?? defaults.MemoryBytes),
            Processes = (int?)Cap(capped, $"{group}.processes", limits.Processes, max.Processes ?? defaults.Processes),
            FileSizeBytes = Cap(capped, $"{group}.file_size", limits.FileSizeBytes, max.FileSizeBytes ?? defaults.FileSizeBytes),
            TmpfsBytes = Cap(capped, $"{group}.tmp", limits.TmpfsBytes, max.TmpfsBytes ?? defaults.TmpfsBytes),
            Timeout = CapTime(capped, $"{group}.timeout", limits.Timeout, maxTimeout),
        };

        var effective = new RepoLimits
        {
            Command = Command("command", asked.Command),
            Setup = Command("setup", asked.Setup),
            Agent = Command("agent", asked.Agent),
            Verify = Command("verify", asked.Verify),
            Task = new RepoTaskLimits
            {
                Timeout = CapTime(capped, "task.timeout", asked.Task.Timeout, max.TaskTimeout),
                CpuSeconds = Cap(capped, "task.cpu_seconds", asked.Task.CpuSeconds, max.TaskCpuSeconds),
                DiskBytes = Cap(capped, "task.disk", asked.Task.DiskBytes, max.TaskDiskBytes),
            },
        };
        return new EffectiveLimits(effective, capped);
    }

    /// <summary>The sandbox limits of <paramref name="phase"/>'s commands; null when the repository asks for none (the sandbox's defaults hold).</summary>
    public SandboxLimits? Sandbox(RepoNetworkPhase phase)
    {
        var limits = Limits.For(phase);
        if (limits is { CpuSeconds: null, MemoryBytes: null, Processes: null, FileSizeBytes: null, TmpfsBytes: null })
        {
            return null;
        }
        return new SandboxLimits
        {
            CpuSeconds = limits.CpuSeconds,
            MemoryBytes = limits.MemoryBytes,
            Processes = limits.Processes,
            FileSizeBytes = limits.FileSizeBytes,
            TmpfsBytes = limits.TmpfsBytes,
        };
    }

    /// <summary>The wall-clock limit of each of <paramref name="phase"/>'s commands, when the repository sets one.</summary>
    public TimeSpan? Timeout(RepoNetworkPhase phase) => Limits.For(phase).Timeout;

    /// <summary>The sentence of the <c>limits.capped</c> event.</summary>
    public string CappedMessage() =>
        $"{RepoConfigParser.FileName} asks for more than the operator's Sandbox:MaxLimits (and, for task.timeout, Worker:TaskDeadline) allow: " +
        string.Join("; ", Capped.Select(c => $"{c.Limit} {Show(c.Limit, c.Asked)} runs at {Show(c.Limit, c.Allowed)}")) +
        "; ask the operator to raise Sandbox:MaxLimits, or lower the limits in the file";

    private static long? Cap(List<LimitCap> capped, string name, long? asked, long? maximum)
    {
        if (asked is { } value && maximum is { } limit && value > limit)
        {
            capped.Add(new LimitCap(name, value, limit));
            return limit;
        }
        return asked;
    }

    private static TimeSpan? CapTime(List<LimitCap> capped, string name, TimeSpan? asked, TimeSpan? maximum)
    {
        if (asked is { } value && maximum is { } limit && value > limit)
        {
            capped.Add(new LimitCap(name, (long)value.TotalSeconds, (long)limit.TotalSeconds));
            return limit;
        }
        return asked;
    }

    private static string Show(string limit, long value) => limit switch
    {
        _ when limit.EndsWith(".memory", StringComparison.Ordinal) || limit.EndsWith(".file_size", StringComparison.Ordinal)
            || limit.EndsWith(".tmp", StringComparison.Ordinal) || limit.EndsWith(".disk", StringComparison.Ordinal) => Bytes(value),
        _ when limit.EndsWith("timeout", StringComparison.Ordinal) || limit.EndsWith("cpu_seconds", StringComparison.Ordinal) => $"{value} s",
        _ => value.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private static string Bytes(long value) => value switch
    {
        >= 1L << 30 => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{value / (double)(1L << 30):0.##} GiB"),
        >= 1L << 20 => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{value / (double)(1L << 20):0.##} MiB"),
        _ => $"{value} bytes",
    };
}
