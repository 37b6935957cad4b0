namespace Nightshift.Bench.Fleet.Contracts;

/// <summary>
/// One injected fault: its kind, what it hit (<c>w2</c>, <c>postgres</c>, <c>model</c>), when it began and ended, and the
/// ids of the tasks that were running on the target (read from the store) when it began — every running task for a
/// fleet-wide fault (PostgreSQL, model).
/// </summary>
public sealed record FaultRecord(
    FaultKind Kind,
    string Target,
    DateTimeOffset StartedAt,
    DateTimeOffset? EndedAt,
    IReadOnlyList<string> TaskIds,
    string Detail);
