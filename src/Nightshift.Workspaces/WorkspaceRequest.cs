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
    PushCredentials? Credentials = null);
