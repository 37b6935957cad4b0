using Nightshift.Core.Planning;

namespace Nightshift.Agent.Dag;

/// <summary>
/// Merging <see cref="Subtask"/>'s commit into the task branch conflicted: the files at <see cref="Paths"/> (relative
/// to <see cref="TaskPath"/>, the task worktree) hold conflict markers between the task branch at
/// <see cref="HeadCommit"/> and <see cref="SubtaskCommit"/>. Whoever resolves edits those files in place, removing
/// every marker line.
/// </summary>
public sealed record MergeConflict(Subtask Subtask, string TaskPath, IReadOnlyList<string> Paths, string HeadCommit, string SubtaskCommit);
