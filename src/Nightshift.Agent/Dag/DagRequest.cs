using Nightshift.Agent.Execution;
using Nightshift.Core.Planning;
using Nightshift.Workspaces;

namespace Nightshift.Agent.Dag;

/// <summary>
/// What a DAG run needs. <see cref="Plan"/> must be valid and acyclic. <see cref="Earlier"/> maps subtask id to what an
/// earlier attempt recorded (from the checkpoint): completed subtasks still on the branch are reused, built ones are
/// merged without building them again. The delegates are called as follows: <see cref="BuildSubtask"/> concurrently,
/// up to the configured parallelism, each with a worktree of its own (<see cref="SubtaskIsolation.OwnWorktree"/>);
/// <see cref="ResolveConflict"/> one at a time, with the task worktree holding the markers (return true once
/// resolved); <see cref="OnStarted"/> and <see cref="OnProgress"/> one call at a time, never concurrently. An exception
/// from a delegate stops the whole run (after cleaning up); a subtask that merely failed should be returned as
/// <see cref="SubtaskResult.Stopped"/>.
/// </summary>
/// <param name="OnStarted">a subtask's worktree is ready and its build is about to start.</param>
/// <param name="OnProgress">
/// a subtask's step, as the journal records it: <see cref="SubtaskState.Built"/> (committed on its own branch, not
/// merged), then <see cref="SubtaskState.Completed"/> (merged: <see cref="SubtaskResult.Commit"/> is the task
/// branch's commit) or <see cref="SubtaskState.Failed"/>; or <see cref="SubtaskState.Skipped"/> or
/// <see cref="SubtaskState.Reused"/> without a build.
/// </param>
internal sealed record DagRequest(
    Workspace Workspace,
    Plan Plan,
    IReadOnlyDictionary<string, SubtaskResult> Earlier,
    SubtaskBuilder BuildSubtask,
    Func<MergeConflict, CancellationToken, Task<bool>> ResolveConflict,
    Func<SubtaskWork, CancellationToken, Task> OnStarted,
    Func<SubtaskResult, CancellationToken, Task> OnProgress)
{
    /// <summary>Author of subtask and merge commits; null means the Workspaces default.</summary>
    public CommitAuthor? Author { get; init; }
}
