namespace Nightshift.Bench.Fleet.Contracts;

/// <summary>What one harness run does. Defaults are the short run CI uses; the long run raises Tasks and Workers.</summary>
public sealed record FleetOptions
{
    /// <summary>Seeds the task mix and the fault schedule: the same seed gives the same run plan.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>M: how many tasks to submit.</summary>
    public int Tasks { get; init; } = 12;

    /// <summary>N: how many worker processes.</summary>
    public int Workers { get; init; } = 2;

    /// <summary>Slots (tasks at once) per worker.</summary>
    public int SlotsPerWorker { get; init; } = 2;

    /// <summary>The workers' lease (<c>worker --lease</c>, seconds, at least 3).</summary>
    public int LeaseSeconds { get; init; } = 4;

    /// <summary>How many repositories the tasks are spread over.</summary>
    public int Repositories { get; init; } = 3;

    /// <summary>The faults to inject (none: a clean run).</summary>
    public IReadOnlySet<FaultKind> Faults { get; init; } = new HashSet<FaultKind>(Enum.GetValues<FaultKind>());

    /// <summary>Mean time between injected faults (seconds).</summary>
    public double FaultIntervalSeconds { get; init; } = 12;

    /// <summary>How long a lasting fault (model errors or hang, disk fill, a pause beyond the lease) lasts (seconds).</summary>
    public double FaultDurationSeconds { get; init; } = 6;

    /// <summary>The run gives up waiting for tasks to end after this long (minutes) and reports the ones still open as lost.</summary>
    public double DeadlineMinutes { get; init; } = 10;

    /// <summary>Also measure queue latency and throughput with 1, 2 and 4 workers on a clean run of this many tasks (0: skip).</summary>
    public int ScaleTasks { get; init; }

    /// <summary>Where to write the report as Markdown (null: only print it).</summary>
    public string? MarkdownPath { get; init; }

    /// <summary>Keep the run's folders (data, repositories, logs) for a look afterwards instead of deleting them.</summary>
    public bool Keep { get; init; }
}
