namespace Nightshift.Workspaces.Subtasks;

/// <summary>
/// A worktree for one subtask of a task: <see cref="Path"/> is checked out on <see cref="Branch"/> from
/// <see cref="BaseCommit"/> (the task branch's commit when its wave started). Like the task's worktree, everything
/// in it is the agent's; its work is committed from the files with plumbing against Nightshift's own mirror.
/// </summary>
public sealed record SubtaskWorkspace(
    string TaskId,
    string SubtaskId,
    string Path,
    string Branch,
    string BaseCommit);
