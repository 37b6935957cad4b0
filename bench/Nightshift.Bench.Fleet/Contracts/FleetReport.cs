namespace Nightshift.Bench.Fleet.Contracts;

/// <summary>What the checks concluded about one run.</summary>
public sealed record FleetReport(
    IReadOnlyList<Violation> Violations,
    IReadOnlyList<FaultFigures> PerFault,
    OutcomeCounts Overall,
    LatencyFigures DuringFaults,
    LatencyFigures AfterFaults,
    RecoveryFigures KillRecovery,
    double? MemoryPerRunningTaskBytes,
    IReadOnlyDictionary<string, int> FinalStatuses);

/// <summary>
/// Per fault kind: how many were injected, how many tasks they hit, and of those tasks how many completed exactly once,
/// were lost (never ended, or ended succeeded without their branch or pull request), or were duplicated (two branches
/// or pull requests, or a subtask built again after its checkpoint).
/// </summary>
public sealed record FaultFigures(FaultKind Kind, int Injected, int TasksHit, int ExactlyOnce, int Lost, int Duplicated);

/// <summary>The same counts over all tasks.</summary>
public sealed record OutcomeCounts(int Tasks, int ExactlyOnce, int Lost, int Duplicated);

/// <summary>Queue latency (a task queued or re-queued → claimed, milliseconds) and throughput (tasks ended per minute) in a window.</summary>
public sealed record LatencyFigures(int Claims, double P50Ms, double P99Ms, double MaxMs, double TasksPerMinute);

/// <summary>From a worker's SIGKILL to each task it held running again on another worker (seconds), against the lease.</summary>
public sealed record RecoveryFigures(int Tasks, double? MedianSeconds, double? MaxSeconds, double LeaseSeconds);

/// <summary>One clean run of the scaling series: workers, tasks, queue latency and throughput.</summary>
public sealed record ScalePoint(int Workers, int Tasks, LatencyFigures Figures);
