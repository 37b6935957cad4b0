using Nightshift.Agent.Dag;
using Nightshift.Core.Planning;
using Nightshift.Workspaces;

namespace Nightshift.Agent.Execution;

/// <summary>The work handed to an <see cref="ISubtaskScheduler"/>.</summary>
/// <param name="Plan">an acyclic, validated plan.</param>
/// <param name="Finished">ids of subtasks an earlier attempt finished; they are not built again.</param>
/// <param name="Workspace">the task's worktree, on the task's branch; every subtask's work must end up committed there.</param>
/// <param name="Build">builds one subtask in the workspace it is given (see <see cref="SubtaskBuilder"/>).</param>
public sealed record SubtaskSchedule(Plan Plan, IReadOnlySet<string> Finished, Workspace Workspace, SubtaskBuilder Build)
{
    /// <summary>
    /// What earlier attempts did with each subtask (fingerprint, task-branch commit, or a built but unmerged commit),
    /// for a scheduler that merges: it reuses what is still on the branch and merges what was built without building
    /// it again.
    /// </summary>
    public IReadOnlyDictionary<string, FinishedSubtask> Earlier { get; init; } = new Dictionary<string, FinishedSubtask>(StringComparer.Ordinal);

    /// <summary>
    /// Told, one call at a time, what a merging scheduler did: a subtask built in its own worktree, merged into the
    /// task branch, failed, skipped or reused. A scheduler that builds in the task's worktree does not call it: the
    /// builder records its progress itself. Null means the caller cannot take such reports; a merging scheduler then
    /// builds one subtask after another.
    /// </summary>
    public Func<DagProgress, CancellationToken, Task>? OnProgress { get; init; }

    /// <summary>
    /// Resolves a merge conflict left in the task's worktree (conflict markers in <see cref="MergeConflict.Paths"/>);
    /// returns true once every marker is gone. Called one at a time. Null means conflicts cannot be resolved.
    /// </summary>
    public Func<MergeConflict, CancellationToken, Task<bool>>? ResolveConflict { get; init; }

    /// <summary>Author of the commits a scheduler makes itself (subtask and merge commits); null means the Workspaces default.</summary>
    public CommitAuthor? Author { get; init; }
}

/// <summary>
/// Builds <paramref name="subtask"/> in <paramref name="workspace"/>. When that is the task's own worktree (the
/// schedule's <see cref="SubtaskSchedule.Workspace"/>), the builder commits the result there and records it; when a
/// parallel scheduler made the workspace (a worktree of the subtask's own: its <see cref="Workspace.Path"/> and
/// <see cref="Workspace.Branch"/> differ), the builder only leaves its changes in the files, and the scheduler commits
/// and merges them.
/// </summary>
public delegate Task<SubtaskOutcome> SubtaskBuilder(Subtask subtask, Workspace workspace, CancellationToken cancellationToken);
