namespace Nightshift.Workspaces.Subtasks;

/// <summary>
/// What Nightshift knows about a subtask worktree, kept outside it. Commits chain from <see cref="HeadCommit"/>,
/// never from the branch ref or the worktree's own <c>.git</c>.
/// </summary>
internal sealed record SubtaskRecord(string TaskId, string SubtaskId, string Path, string AdminName, string Branch, string BaseCommit)
{
    public string? HeadCommit { get; init; }

    public SubtaskWorkspace ToWorkspace() => new(TaskId, SubtaskId, Path, Branch, BaseCommit);
}
