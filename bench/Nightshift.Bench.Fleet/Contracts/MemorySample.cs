namespace Nightshift.Bench.Fleet.Contracts;

/// <summary>A periodic sample: the resident memory of every worker process with its descendants (jails included), and how many tasks were running.</summary>
public sealed record MemorySample(DateTimeOffset At, long WorkersRssBytes, int Workers, int RunningTasks);
