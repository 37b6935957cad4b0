using Nightshift.Workspaces.Repositories;

namespace Nightshift.Workspaces;

/// <summary>A task's git worktree: <see cref="Path"/> is checked out on <see cref="Branch"/>, created from <see cref="BaseCommit"/> of <see cref="BaseBranch"/>.</summary>
public sealed record Workspace(
    string TaskId,
    string Path,
    string Branch,
    string BaseBranch,
    string BaseCommit,
    RepositoryRef Repository)
{
    /// <summary>
    /// True for a follow-up's worktree: <see cref="Branch"/> is an existing branch of the remote, checked out as pushed
    /// (<see cref="BaseCommit"/> is its head then), and pushes only ever fast-forward it.
    /// </summary>
    public bool ContinuesBranch { get; init; }
}
