using Nightshift.Core.Errors;
using Nightshift.Core.Execution;
using Nightshift.Workspaces.Git;
using Nightshift.Workspaces.Internal;
using Nightshift.Workspaces.Repositories;

namespace Nightshift.Workspaces;

public sealed partial class TaskWorkspaces
{
    /// <summary>
    /// Pushes the task's last commit to its branch on the remote URL from the policy record (never one from any
    /// repository config). The token in <paramref name="credentials"/> reaches git only through the askpass helper's
    /// environment. Refuses when nothing was committed, and never pushes to a local repository's checked-out branch.
    /// </summary>
    public async Task PushAsync(Workspace workspace, PushCredentials? credentials = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        var record = RequireRecord(workspace);
        if (record.HeadCommit is null)
        {
            throw new WorkspaceException($"task {record.TaskId} has no commit to push on {record.Branch}; commit the change first");
        }
        var repository = record.Repository;
        var mirror = Layout.Mirror(record.Key);
        _context.SanitizeMirror(mirror);
        var secrets = CredentialSetup.From(credentials);
        if (repository.IsLocal)
        {
            var head = await _context.RemoteHeadAsync(repository, mirror, secrets, cancellationToken);
            if (head == record.Branch)
            {
                throw new WorkspaceException($"refusing to push {record.Branch} to '{repository}': it is that repository's checked-out branch");
            }
        }

        List<string> arguments = ["push", "--porcelain", "--no-verify", "--no-recurse-submodules"];
        if (repository.IsLocal)
        {
            arguments.Add("--receive-pack=" + _context.LocalRemoteProgram("receive-pack"));
        }
        // Forced: the branch name is the task's own, and a retried task rebuilds it from the base.
        arguments.AddRange(["--", repository.Location, $"+{record.HeadCommit}:refs/heads/{record.Branch}"]);
        await WriteFence.CheckAsync(cancellationToken);
        var result = await Git.RunAsync(_context.Remote(repository, mirror, secrets, arguments), cancellationToken);
        if (!result.Succeeded)
        {
            var hint = repository.Kind is RepositoryKind.Https or RepositoryKind.Http or RepositoryKind.Ssh
                ? "check the worker's push credentials and that they may write to the repository"
                : "check that the repository accepts pushes";
            throw new WorkspaceException($"pushing {record.Branch} to '{repository}' failed: {result.Explanation()}; {hint}");
        }
        Layout.WriteRecord(record with { LastUsedAt = Time.GetUtcNow() });
        LogPushed(Logger, record.TaskId, record.Branch, repository.Location);
    }

    /// <summary>
    /// Ends the task's use of its worktree. With <paramref name="keep"/> (a failed task) it stays for
    /// <see cref="WorkspaceOptions.FailedWorktreeRetention"/> and the collector removes it later; otherwise the
    /// worktree, its git bookkeeping and its local branch are removed now. Either way its subtask worktrees are removed.
    /// Releasing twice does nothing.
    /// </summary>
    public async Task ReleaseAsync(Workspace workspace, bool keep = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        var record = Names.IsValidTaskId(workspace.TaskId) ? Layout.ReadRecord(workspace.TaskId) : null;
        if (record is null)
        {
            return;
        }
        // An attempt that lost its lease must not remove what the task's new owner works in.
        await WriteFence.CheckAsync(cancellationToken);
        // Subtask worktrees are only scaffolding for merges into the task's: none outlives the task's use of it.
        await _subtasks.RemoveSubtasksAsync(record, cancellationToken);
        if (keep)
        {
            var now = Time.GetUtcNow();
            Layout.WriteRecord(record with { ReleasedAt = now, KeepUntil = now + Options.FailedWorktreeRetention });
            LogKept(Logger, record.TaskId, record.Path, now + Options.FailedWorktreeRetention);
            return;
        }
        await RemoveAsync(record, park: true, cancellationToken);
    }

    /// <summary>
    /// Renames the task's branch, e.g. to the prefix the repository's .nightshift.yml asks for. The worktree stays
    /// checked out on it and its commits move along. Renaming to the current name does nothing; a name git would
    /// refuse is refused with the reason.
    /// </summary>
    public async Task<Workspace> RenameBranchAsync(Workspace workspace, string branch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        ArgumentNullException.ThrowIfNull(branch);
        var record = RequireRecord(workspace);
        if (string.Equals(record.Branch, branch, StringComparison.Ordinal))
        {
            return record.ToWorkspace();
        }
        if (Names.BranchProblem(branch) is { } problem)
        {
            throw new ValidationException("branch", $"'{RepositoryPolicy.Shown(branch)}' is not a valid branch name: it {problem}");
        }
        var mirror = Layout.Mirror(record.Key);
        await using (await RepositoryLocks.AcquireAsync(Layout.MirrorLock(record.Key), Time, cancellationToken))
        {
            _context.SanitizeMirror(mirror);
            // branch -M also repoints the HEAD of the worktree that has the branch checked out.
            await Git.RunCheckedAsync(new GitInvocation(["branch", "-M", record.Branch, branch]) { GitDir = mirror }, $"renaming branch {record.Branch} to {branch}", cancellationToken);
        }
        var renamed = record with { Branch = branch, LastUsedAt = Time.GetUtcNow() };
        Layout.WriteRecord(renamed);
        return renamed.ToWorkspace();
    }

    /// <summary>
    /// The task's own cache folder for its jails (package managers' caches), created on first use. It lives as long as
    /// the task's worktree: a resumed attempt finds it, a released or collected worktree takes it along, and no other
    /// task ever mounts it, so nothing one task runs can change what a later task reads.
    /// </summary>
    public string TaskCacheFolder(Workspace workspace)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        if (!Names.IsValidTaskId(workspace.TaskId))
        {
            throw new ValidationException("taskId", $"'{RepositoryPolicy.Shown(workspace.TaskId ?? "")}' is not a task id");
        }
        var folder = Layout.TaskCache(workspace.TaskId);
        Directory.CreateDirectory(folder);
        return folder;
    }

    /// <summary>Removes (or parks for reuse) a worktree folder, its bookkeeping in the mirror, its local branch and its record.</summary>
    internal async Task RemoveAsync(WorkspaceRecord record, bool park = false, CancellationToken cancellationToken = default)
    {
        // The record lives outside the worktree, but stay inside our folders whatever it says.
        var path = Path.GetFullPath(record.Path);
        if (LocalPaths.IsUnder(path, Layout.Worktrees) && path != Layout.Worktrees && !(park && _pool.TryPark(record, path)))
        {
            FileTrees.Delete(path);
        }
        var mirror = Layout.Mirror(record.Key);
        if (Directory.Exists(mirror))
        {
            await using (await RepositoryLocks.AcquireAsync(Layout.MirrorLock(record.Key), Time, cancellationToken))
            {
                if (Names.IsValidTaskId(record.AdminName))
                {
                    FileTrees.Delete(Path.Combine(mirror, "worktrees", record.AdminName));
                }
                _context.SanitizeMirror(mirror);
                await Git.RunAsync(new GitInvocation(["update-ref", "-d", "refs/heads/" + record.Branch]) { GitDir = mirror }, cancellationToken);
                await Git.RunAsync(new GitInvocation(["worktree", "prune"]) { GitDir = mirror }, cancellationToken);
            }
        }
        if (Names.IsValidTaskId(record.TaskId))
        {
            FileTrees.Delete(Layout.TaskCache(record.TaskId));
        }
        Layout.DeleteRecord(record.TaskId);
        LogRemoved(Logger, record.TaskId, path);
    }
}
