using Nightshift.Workspaces.Repositories;

namespace Nightshift.Workspaces;

/// <summary>A task's git worktree: <see cref="Path"/> is checked out on <see cref="Branch"/>, created from <see cref="BaseCommit"/> of <see cref="BaseBranch"/>.</summary>
public sealed record Workspace(
    string TaskId,
    string Path,
    string Branch,
    string BaseBranch,
    string BaseCommit,
    RepositoryRef Repository);
