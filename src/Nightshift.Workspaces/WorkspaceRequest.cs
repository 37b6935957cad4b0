namespace Nightshift.Workspaces;

/// <summary>
/// What <see cref="ITaskWorkspaces.PrepareAsync"/> needs: the task's id, the repository as the user wrote it, an
/// optional base branch (default: the remote's HEAD branch), the title the branch name is made from, and credentials
/// for fetching a private repository.
/// </summary>
public sealed record WorkspaceRequest(
    string TaskId,
    string Repository,
    string? BaseBranch = null,
    string? Title = null,
    PushCredentials? Credentials = null)
{
    /// <summary>
    /// A follow-up's branch: the worktree checks out this branch as the remote holds it now (commits people pushed on
    /// top included) instead of a new branch from the base, and the task's commits are pushed on top of it as a
    /// fast-forward. <see cref="BaseBranch"/> is then the branch its pull request targets.
    /// </summary>
    public string? ContinueBranch { get; init; }

    /// <summary>
    /// With <see cref="ContinueBranch"/>: when the remote has no such branch yet, the worktree starts from
    /// <see cref="BaseBranch"/>'s head and the first push creates it (a pipeline run's branch). Without it a missing
    /// branch is an error, as a follow-up of a deleted branch must be. Also a push that finds the branch moved (a
    /// parallel step pushed first) merges it under the task's commit and tries again, instead of giving up at once.
    /// </summary>
    public bool CreateIfMissing { get; init; }
}
