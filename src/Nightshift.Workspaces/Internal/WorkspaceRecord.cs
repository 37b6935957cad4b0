using Nightshift.Workspaces.Repositories;

namespace Nightshift.Workspaces.Internal;

/// <summary>
/// What Nightshift knows about a task's worktree, kept outside the worktree so the agent cannot alter it. Commits
/// chain from <see cref="HeadCommit"/>, not from the branch ref, which the agent could move.
/// </summary>
internal sealed record WorkspaceRecord(
    string TaskId,
    RepositoryKind Kind,
    string Location,
    string Key,
    string Path,
    string AdminName,
    string Branch,
    string BaseBranch,
    string BaseCommit,
    DateTimeOffset CreatedAt)
{
    public string? HeadCommit { get; init; }

    public DateTimeOffset LastUsedAt { get; init; }

    public DateTimeOffset? ReleasedAt { get; init; }

    public DateTimeOffset? KeepUntil { get; init; }

    public RepositoryRef Repository => new(Kind, Location, Key);

    public Workspace ToWorkspace() => new(TaskId, Path, Branch, BaseBranch, BaseCommit, Repository);
}
