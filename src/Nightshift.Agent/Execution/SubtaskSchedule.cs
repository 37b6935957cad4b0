using Nightshift.Agent.Dag;
using Nightshift.Core.Planning;
using Nightshift.Workspaces;

namespace Nightshift.Agent.Execution;

/// <summary>The work handed to an <see cref="ISubtaskScheduler"/>.</summary>
/// <param name="Plan">an acyclic, validated plan.</param>
/// <param name="Workspace">the task's worktree, on the task's branch; every subtask's work must end up committed there.</param>
/// <param name="Build">runs the build agent on one subtask, in the workspace the scheduler chose for it.</param>
/// <param name="Journal">where the scheduler reports every start, commit and end (checkpoint, then events).</param>
public sealed record SubtaskSchedule(Plan Plan, Workspace Workspace, SubtaskBuilder Build, SubtaskJournal Journal)
{
    /// <summary>
    /// What earlier attempts recorded for each subtask, from the checkpoint: a completed subtask with the same
    /// fingerprint is not built again (a merging scheduler first checks its commit is still on the branch), and a
    /// built but unmerged one is merged without building it again by a scheduler that merges.
    /// </summary>
    public IReadOnlyDictionary<string, SubtaskResult> Earlier { get; init; } = new Dictionary<string, SubtaskResult>(StringComparer.Ordinal);

    /// <summary>
    /// Commits what a subtask built in the task's worktree left there, with the task's author and message; null (one
    /// subtask without a plan) leaves it to the task's final commit. Subtasks built in worktrees of their own are
    /// committed and merged by the scheduler itself.
    /// </summary>
    public Func<SubtaskWork, SubtaskResult, CancellationToken, Task<CommitResult?>>? Commit { get; init; }

    /// <summary>
    /// Resolves a merge conflict left in the task's worktree (conflict markers in <see cref="MergeConflict.Paths"/>);
    /// returns true once every marker is gone. Called one at a time. Null means conflicts cannot be resolved.
    /// </summary>
    public Func<MergeConflict, CancellationToken, Task<bool>>? ResolveConflict { get; init; }

    /// <summary>Author of the commits a merging scheduler makes itself (subtask and merge commits); null means the Workspaces default.</summary>
    public CommitAuthor? Author { get; init; }
}
