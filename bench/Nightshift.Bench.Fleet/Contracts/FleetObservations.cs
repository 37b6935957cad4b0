namespace Nightshift.Bench.Fleet.Contracts;

/// <summary>
/// Everything a run saw, handed to the checks once every task ended (or the deadline passed) and the workers were
/// stopped gracefully. <paramref name="ConnectionString"/> still reaches the run's database (the cluster is up);
/// <paramref name="Repositories"/> maps a repository's name to its bare remote's path (what tasks were submitted with).
/// <paramref name="FaultsEndedAt"/>: when the last fault ended (the "after the faults" window starts there).
/// <paramref name="Leftovers"/>: what the host still had after the workers stopped.
/// </summary>
public sealed record FleetObservations(
    FleetOptions Options,
    string ConnectionString,
    IReadOnlyList<FleetTask> Tasks,
    IReadOnlyList<ModelCall> ModelCalls,
    IReadOnlyList<FaultRecord> Faults,
    IReadOnlyList<WorkerInfo> Workers,
    IReadOnlyDictionary<string, string> Repositories,
    IReadOnlyList<MemorySample> Memory,
    HostLeftovers Leftovers,
    DateTimeOffset StartedAt,
    DateTimeOffset FaultsEndedAt,
    DateTimeOffset FinishedAt);

/// <summary>
/// What was left on the host after the final graceful stop: processes that were the workers' descendants (jails,
/// commands) still alive, and worktree folders under the workers' data folders, each with the task id it belongs to
/// when that can be told from its path (null otherwise).
/// </summary>
public sealed record HostLeftovers(IReadOnlyList<LeftoverProcess> Processes, IReadOnlyList<LeftoverWorktree> Worktrees);

public sealed record LeftoverProcess(int ProcessId, string CommandLine, string Worker);

public sealed record LeftoverWorktree(string Path, string Worker, string? TaskId);
