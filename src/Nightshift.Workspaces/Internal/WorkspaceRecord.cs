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

    /// <summary>
    /// A follow-up's branch on the remote, where pushes go (fast-forward only); <see cref="Branch"/> is then a local
    /// branch of the task's own in the mirror, so the parent's worktree (kept or parked) never shares a ref with it.
    /// </summary>
    public string? PushBranch { get; init; }

    /// <summary>A pipeline step's run branch: created from the base when missing, and shared with parallel steps (see <see cref="WorkspaceRequest.CreateIfMissing"/>).</summary>
    public bool CreateIfMissing { get; init; }

    public RepositoryRef Repository => new(Kind, Location, Key);

    /// <summary>The branch the task publishes: the follow-up's remote branch, or the task's own.</summary>
    public string RemoteBranch => PushBranch ?? Branch;

    public Workspace ToWorkspace() => new(TaskId, Path, RemoteBranch, BaseBranch, BaseCommit, Repository) { ContinuesBranch = PushBranch is not null };
}
