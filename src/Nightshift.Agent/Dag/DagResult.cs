using Nightshift.Agent.Execution;

namespace Nightshift.Agent.Dag;

/// <summary>
/// The end of a DAG run: every subtask's result in the plan's dependency order (completed, reused, failed or skipped),
/// the task branch's commit after the last merge, how many merge commits were made and how many of them needed a
/// conflict resolved.
/// </summary>
internal sealed record DagResult(IReadOnlyList<SubtaskResult> Subtasks, string HeadCommit, int Merges, int ConflictsResolved)
{
    /// <summary>True when every subtask completed or was reused.</summary>
    public bool Succeeded => Subtasks.All(s => s.Succeeded);

    public IReadOnlyList<SubtaskResult> Failures => [.. Subtasks.Where(s => !s.Succeeded)];
}
