using Nightshift.Core.Planning;
using Nightshift.Workspaces;

namespace Nightshift.Agent.Dag;

/// <summary>
/// What a DAG run needs. <see cref="Plan"/> must be valid and acyclic. <see cref="Finished"/> maps subtask id to what
/// an earlier attempt finished (from the checkpoint). The delegates are called as follows:
/// <see cref="BuildSubtask"/> concurrently, up to the configured parallelism, each with its own worktree;
/// <see cref="ResolveConflict"/> one at a time, with the task worktree holding the markers (return true once
/// resolved); <see cref="OnProgress"/> one call at a time, never concurrently. An exception from a delegate stops
/// the whole run (after cleaning up); a subtask that merely failed should be returned as a failed
/// <see cref="SubtaskBuildResult"/>.
/// </summary>
internal sealed record DagRequest(
    Workspace Workspace,
    Plan Plan,
    IReadOnlyDictionary<string, FinishedSubtask> Finished,
    Func<SubtaskWork, CancellationToken, Task<SubtaskBuildResult>> BuildSubtask,
    Func<MergeConflict, CancellationToken, Task<bool>> ResolveConflict,
    Func<DagProgress, CancellationToken, Task> OnProgress)
{
    /// <summary>Author of subtask and merge commits; null means the Workspaces default.</summary>
    public CommitAuthor? Author { get; init; }
}
