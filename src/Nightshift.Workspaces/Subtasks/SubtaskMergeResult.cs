namespace Nightshift.Workspaces.Subtasks;

/// <summary>
/// The outcome of merging a subtask into its task branch. <see cref="HeadCommit"/> is the task branch's commit
/// afterwards (unchanged unless <see cref="Status"/> is <see cref="SubtaskMergeStatus.Merged"/>);
/// <see cref="ConflictedPaths"/> lists the files, relative to the task worktree, that still need resolving.
/// </summary>
public sealed record SubtaskMergeResult(SubtaskMergeStatus Status, string HeadCommit, IReadOnlyList<string> ConflictedPaths);
