using Nightshift.Core.Planning;

namespace Nightshift.Agent.Dag;

/// <summary>
/// A step of a DAG run, reported one at a time. For <see cref="DagProgressKind.Completed"/> and
/// <see cref="DagProgressKind.Reused"/>, <see cref="Commit"/> is the task branch's commit that holds the subtask's
/// work: store it with <see cref="Fingerprint"/> as a <see cref="FinishedSubtask"/> so a resumed run skips it. For
/// <see cref="DagProgressKind.Built"/>, <see cref="SubtaskCommit"/> is the subtask's own commit, not merged yet: store
/// it as a <see cref="FinishedSubtask"/> without <see cref="FinishedSubtask.Commit"/> until it completes.
/// </summary>
public sealed record DagProgress(DagProgressKind Kind, Subtask Subtask, string Fingerprint)
{
    public string? Commit { get; init; }

    /// <summary>The commit on the subtask's own branch (built and completed subtasks that changed something).</summary>
    public string? SubtaskCommit { get; init; }

    public string? Summary { get; init; }

    /// <summary>Why it failed or was skipped, for a person.</summary>
    public string? Reason { get; init; }

    public bool ConflictResolved { get; init; }
}
