namespace Nightshift.Bench.Fleet.Contracts;

/// <summary>
/// One worker process of the run. Its label (<c>w1</c>, <c>w2</c>…) is its model path prefix; a replacement started after
/// a kill keeps the label and the data folder but has its own process id. The store names a lease's owner
/// <c>{machine}:{pid}:{slot}</c>, so <paramref name="ProcessId"/> ties a <c>task.started</c> event to this process.
/// <paramref name="EndedBy"/>: null while running, else <c>sigkill</c>, <c>sigterm</c>, <c>exit</c> (it ended by itself)
/// or <c>stop</c> (the harness's final graceful stop).
/// </summary>
public sealed record WorkerInfo(
    string Label,
    int ProcessId,
    string DataDirectory,
    DateTimeOffset StartedAt,
    DateTimeOffset? EndedAt,
    string? EndedBy);
