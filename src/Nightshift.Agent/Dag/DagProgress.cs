using Nightshift.Core.Planning;

namespace Nightshift.Agent.Dag;

/// <summary>
/// A step of a DAG run, reported one at a time. For <see cref="DagProgressKind.Completed"/> and
/// <see cref="DagProgressKind.Reused"/>, <see cref="Commit"/> is the task branch's commit that holds the subtask's
/// work: store it with <see cref="Fingerprint"/> as a <see cref="FinishedSubtask"/> so a resumed run skips it.
/// </summary>
internal sealed record DagProgress(DagProgressKind Kind, Subtask Subtask, string Fingerprint)
{
    public string? Commit { get; init; }

    public string? Summary { get; init; }

    /// <summary>Why it failed or was skipped, for a person.</summary>
    public string? Reason { get; init; }

    public bool ConflictResolved { get; init; }
}
