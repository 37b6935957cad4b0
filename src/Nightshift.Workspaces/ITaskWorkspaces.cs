namespace Nightshift.Workspaces;

/// <summary>
/// A task's own git worktree on its own branch: prepared from a mirror of the repository, committed and diffed with
/// plumbing on a private index, pushed to the repository's remote, and released (removed, parked or kept) at the end.
/// </summary>
public interface ITaskWorkspaces
{
    /// <summary>The prefix of the branches tasks are built on unless the repository asks for another.</summary>
    const string DefaultBranchPrefix = Internal.Names.BranchPrefix;

    /// <summary>Fetches the repository and adds a worktree for the task on a new branch; a task whose worktree still exists gets it back unchanged.</summary>
    Task<Workspace> PrepareAsync(WorkspaceRequest request, CancellationToken cancellationToken = default);

    /// <summary>Commits every change in the worktree on the task's branch; null when nothing changed since the last commit.</summary>
    Task<CommitResult?> CommitAsync(Workspace workspace, CommitRequest request, CancellationToken cancellationToken = default);

    /// <summary>The worktree's change against the base commit as a unified diff, new and deleted files included (committed or not).</summary>
    Task<string> DiffAsync(Workspace workspace, CancellationToken cancellationToken = default);

    /// <summary>
    /// What <paramref name="commit"/> (a commit of the task's branch, e.g. the one pushed) changes since it left the
    /// base branch, as a unified diff; right even when the worktree was recreated after the push.
    /// </summary>
    Task<string> DiffAsync(Workspace workspace, string commit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Where <paramref name="commit"/> (recorded by an earlier attempt of the task, perhaps on another worker) stands
    /// for this worktree: in what it started from (<see cref="CommitPlace.InBase"/>), among the commits it made since
    /// (<see cref="CommitPlace.Committed"/>), or in neither — the mirror may not even hold it (<see cref="CommitPlace.Lost"/>).
    /// </summary>
    Task<CommitPlace> LocateCommitAsync(Workspace workspace, string commit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Pushes the task's last commit to its branch on the repository's remote; a follow-up's push first merges in
    /// commits others pushed meanwhile (<see cref="PushResult.MergedMovedBranch"/>).
    /// </summary>
    Task<PushResult> PushAsync(Workspace workspace, PushCredentials? credentials = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Points <paramref name="branch"/> on the remote at the commit the task's worktree started from (the head of the
    /// branch it continues), forced: a pipeline run's per-step publishing branch, which must be named
    /// <c>&lt;continued branch&gt;--NAME</c>. Returns that commit.
    /// </summary>
    Task<string> PublishCopyAsync(Workspace workspace, string branch, PushCredentials? credentials = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Keeps the head of the task's branch on the remote under a hidden ref (never a branch), so a worker that resumes
    /// the task after this one died can restore the commits made so far. Fenced by the attempt's lease like a push.
    /// </summary>
    Task SaveProgressAsync(Workspace workspace, PushCredentials? credentials = null, CancellationToken cancellationToken = default) =>
        Task.CompletedTask;

    /// <summary>
    /// Moves a fresh worktree and its branch to <paramref name="commit"/> from the progress an earlier attempt saved;
    /// false, with nothing changed, when there is none or it does not contain the commit (the work is built again).
    /// </summary>
    Task<bool> RestoreProgressAsync(Workspace workspace, string commit, PushCredentials? credentials = null, CancellationToken cancellationToken = default) =>
        Task.FromResult(false);

    /// <summary>Deletes the task's saved progress once its branch is pushed; best effort, it never fails the task.</summary>
    Task DropProgressAsync(Workspace workspace, PushCredentials? credentials = null, CancellationToken cancellationToken = default) =>
        Task.CompletedTask;

    /// <summary>Renames the task's branch; the worktree stays checked out on it.</summary>
    Task<Workspace> RenameBranchAsync(Workspace workspace, string branch, CancellationToken cancellationToken = default);

    /// <summary>The task's own cache folder for its jails, created on first use; it lives as long as the task's worktree.</summary>
    string TaskCacheFolder(Workspace workspace);

    /// <summary>
    /// What the repository's setup left in the worktree: the files git does not track (ignored ones included) and the
    /// tracked files it changed. Null when this implementation cannot tell, and setup is then never cached.
    /// </summary>
    Task<SetupCache.SetupOutput?> SetupOutputAsync(Workspace workspace, CancellationToken cancellationToken = default) =>
        Task.FromResult<SetupCache.SetupOutput?>(null);

    /// <summary>Ends the task's use of its worktree: kept for a while with <paramref name="keep"/>, otherwise removed (or parked for reuse) now.</summary>
    Task ReleaseAsync(Workspace workspace, bool keep = false, CancellationToken cancellationToken = default);
}
