namespace Nightshift.Workspaces;

/// <summary>
/// A commit of everything in the worktree. <see cref="Message"/> is stored literally; a <c>Nightshift-Task</c>
/// trailer naming <see cref="TaskId"/> (default: the workspace's task) is appended.
/// </summary>
public sealed record CommitRequest(string Message, CommitAuthor? Author = null, string? TaskId = null);
