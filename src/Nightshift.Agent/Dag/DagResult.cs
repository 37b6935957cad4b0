namespace Nightshift.Agent.Dag;

/// <summary>
/// The end of a DAG run: every subtask's outcome in the plan's dependency order, the task branch's commit after the
/// last merge, how many merge commits were made and how many of them needed a conflict resolved.
/// </summary>
internal sealed record DagResult(IReadOnlyList<SubtaskOutcome> Subtasks, string HeadCommit, int Merges, int ConflictsResolved)
{
    /// <summary>True when every subtask completed or was reused.</summary>
    public bool Succeeded => Subtasks.All(s => s.Status is SubtaskStatus.Completed or SubtaskStatus.Reused);

    public IReadOnlyList<SubtaskOutcome> Failures => [.. Subtasks.Where(s => s.Status is SubtaskStatus.Failed or SubtaskStatus.Skipped)];
}
