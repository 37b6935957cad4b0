using Nightshift.Core.Errors;
using Nightshift.Core.Execution;
using Nightshift.Workspaces.Git;
using Nightshift.Workspaces.Internal;
using Nightshift.Workspaces.Repositories;

namespace Nightshift.Workspaces;

public sealed partial class TaskWorkspaces
{
    /// <summary>How many times a push to a pipeline run's shared branch is tried when parallel steps keep moving it.</summary>
    private const int MaxSharedBranchPushes = 4;

    /// <summary>
    /// Pushes the task's last commit to its branch on the remote URL from the policy record (never one from any
    /// repository config). The token in <paramref name="credentials"/> reaches git only through the askpass helper's
    /// environment. Refuses when nothing was committed, and never pushes to a local repository's checked-out branch.
    /// </summary>
    public async Task<PushResult> PushAsync(Workspace workspace, PushCredentials? credentials = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        var record = RequireRecord(workspace);
        if (record.HeadCommit is null)
        {
            throw new WorkspaceException($"task {record.TaskId} has no commit to push on {record.RemoteBranch}; commit the change first");
        }
        var repository = record.Repository;
        var mirror = Layout.Mirror(record.Key);
        _context.SanitizeMirror(mirror);
        var secrets = CredentialSetup.From(credentials);
        if (repository.IsLocal)
        {
            var head = await _context.RemoteHeadAsync(repository, mirror, secrets, cancellationToken);
            if (head == record.RemoteBranch)
            {
                throw new WorkspaceException($"refusing to push {record.RemoteBranch} to '{repository}': it is that repository's checked-out branch");
            }
        }
        var committed = record.HeadCommit;
        // A pipeline run's branch is shared by parallel steps: one that pushed between our catch-up and our push is
        // merged under our commit once more, a few times at most.
        var tries = record.CreateIfMissing ? MaxSharedBranchPushes : 1;
        for (var attempt = 1; ; attempt++)
        {
            if (record.PushBranch is not null)
            {
                record = await CatchUpAsync(record, mirror, secrets, cancellationToken);
            }

            List<string> arguments = ["push", "--porcelain", "--no-verify", "--no-recurse-submodules"];
            if (repository.IsLocal)
            {
                arguments.Add("--receive-pack=" + _context.LocalRemoteProgram("receive-pack"));
            }
            // A task's own branch is forced: the name is the task's, and a retried task rebuilds it from the base. A
            // follow-up's (or a run's) branch is shared with people and other tasks, so it only ever fast-forwards.
            var force = record.PushBranch is null ? "+" : "";
            arguments.AddRange(["--", repository.Location, $"{force}{record.HeadCommit}:refs/heads/{record.RemoteBranch}"]);
            await WriteFence.CheckAsync(cancellationToken);
            var result = await Git.RunAsync(_context.Remote(repository, mirror, secrets, arguments), cancellationToken);
            if (result.Succeeded)
            {
                break;
            }
            // Two steps creating the run's branch at once: the later one's update of the new ref fails on the remote.
            var rejected = record.PushBranch is not null && (result.Stdout.Contains("[rejected]", StringComparison.Ordinal)
                || (record.CreateIfMissing && (result.Stdout.Contains("[remote rejected]", StringComparison.Ordinal)
                    || result.Stderr.Contains("cannot lock ref", StringComparison.Ordinal))));
            if (rejected && attempt < tries)
            {
                LogSharedBranchMovedAgain(Logger, record.TaskId, record.RemoteBranch, attempt);
                continue;
            }
            if (rejected)
            {
                throw new WorkspaceException($"pushing {record.RemoteBranch} to '{repository}' was refused because the branch moved again while this task was publishing ({result.Explanation()}); nothing was overwritten: retry the task to start from the branch as it is now");
            }
            var hint = repository.Kind is RepositoryKind.Https or RepositoryKind.Http or RepositoryKind.Ssh
                ? "check the worker's push credentials and that they may write to the repository"
                : "check that the repository accepts pushes";
            throw new WorkspaceException($"pushing {record.RemoteBranch} to '{repository}' failed: {result.Explanation()}; {hint}");
        }
        Layout.WriteRecord(record with { LastUsedAt = Time.GetUtcNow() });
        LogPushed(Logger, record.TaskId, record.RemoteBranch, repository.Location);
        return new PushResult(record.HeadCommit!, !string.Equals(record.HeadCommit, committed, StringComparison.Ordinal));
    }

    /// <summary>
    /// A follow-up's push must fast-forward the branch. When someone pushed to it after the worktree was prepared, their
    /// commits are merged under ours once (a merge commit with both as parents, built without touching the worktree);
    /// when the two changes conflict the task fails with the files named, and nothing on the remote changes.
    /// </summary>
    private async Task<WorkspaceRecord> CatchUpAsync(WorkspaceRecord record, string mirror, CredentialSetup secrets, CancellationToken cancellationToken)
    {
        var repository = record.Repository;
        var branch = record.RemoteBranch;
        List<string> fetch = ["fetch", "--quiet", "--no-tags", "--no-recurse-submodules", "--no-write-fetch-head"];
        if (repository.IsLocal)
        {
            fetch.Add("--upload-pack=" + _context.LocalRemoteProgram("upload-pack"));
        }
        fetch.AddRange(["--", repository.Location, $"+refs/heads/{branch}:{WorkspaceContext.RemoteRefs}{branch}"]);
        string remoteHead;
        await using (await RepositoryLocks.AcquireAsync(Layout.MirrorLock(record.Key), Time, cancellationToken))
        {
            var fetched = await Git.RunAsync(_context.Remote(repository, mirror, secrets, fetch), cancellationToken);
            if (!fetched.Succeeded && record.CreateIfMissing)
            {
                if (!await RemoteHasBranchAsync(repository, mirror, secrets, branch, cancellationToken))
                {
                    // The run's first push creates the branch; a step that creates it meanwhile makes ours a rejected push, tried again.
                    return record;
                }
                // A parallel step created the branch between our fetch and our look: fetch it now that it is there.
                fetched = await Git.RunAsync(_context.Remote(repository, mirror, secrets, fetch), cancellationToken);
            }
            if (!fetched.Succeeded)
            {
                throw new WorkspaceException($"branch {branch} of '{repository}' could not be fetched before pushing on top of it ({fetched.Explanation()}); if it was deleted (its pull request merged or closed), ask for a new task; the work stays on the worktree kept for this task");
            }
            remoteHead = (await Git.RunCheckedAsync(
                new GitInvocation(["rev-parse", "--verify", "--end-of-options", WorkspaceContext.RemoteRefs + branch + "^{commit}"]) { GitDir = mirror },
                $"reading the head of {branch}", cancellationToken)).Stdout.Trim();
        }
        var contained = await Git.RunAsync(new GitInvocation(["merge-base", "--is-ancestor", remoteHead, record.HeadCommit!]) { GitDir = mirror }, cancellationToken);
        if (contained.ExitCode == 0)
        {
            return record;
        }
        var merge = await Git.RunAsync(new GitInvocation(["merge-tree", "--write-tree", "--name-only", "--no-messages", record.HeadCommit!, remoteHead]) { GitDir = mirror }, cancellationToken);
        var lines = merge.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (merge.ExitCode == 1)
        {
            var files = string.Join(", ", lines.Skip(1).Take(10).Select(f => RepositoryPolicy.Shown(f)));
            LogMovedConflict(Logger, record.TaskId, branch, remoteHead);
            throw new WorkspaceException($"branch {branch} of '{repository}' moved while task {record.TaskId} worked (it is now at {remoteHead[..12]}) and the new commits conflict with this task's change in {files}; nothing was pushed: retry the task to redo it on the branch as it is now");
        }
        if (merge.ExitCode != 0 || lines.Length == 0)
        {
            throw new WorkspaceException($"merging the new commits of {branch} ({remoteHead[..12]}) under task {record.TaskId}'s change failed: {merge.Explanation()}; retry the task to redo it on the branch as it is now");
        }
        var request = new CommitRequest(record.CreateIfMissing
            ? $"Merge the commits other steps pushed to {branch} while this step worked"
            : $"Merge the commits pushed to {branch} while the follow-up worked");
        var message = WorkspaceContext.ComposeMessage(request, record.TaskId);
        var author = _context.AuthorOf(request);
        var commit = await _context.CommitTreeAsync(mirror, lines[0].Trim(), [record.HeadCommit!, remoteHead], message, author, $"merging {branch} into task {record.TaskId}'s change", cancellationToken);
        await WriteFence.CheckAsync(cancellationToken);
        await Git.RunCheckedAsync(new GitInvocation(["update-ref", "-m", "nightshift: merge the moved branch", "refs/heads/" + record.Branch, commit]) { GitDir = mirror }, $"moving branch {record.Branch}", cancellationToken);
        var merged = record with { HeadCommit = commit, LastUsedAt = Time.GetUtcNow() };
        Layout.WriteRecord(merged);
        LogMovedMerged(Logger, record.TaskId, branch, remoteHead, commit);
        return merged;
    }

    public async Task<string> PublishCopyAsync(Workspace workspace, string branch, PushCredentials? credentials = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        ArgumentNullException.ThrowIfNull(branch);
        var record = RequireRecord(workspace);
        if (Names.BranchProblem(branch) is { } problem)
        {
            throw new ValidationException("branch", $"'{RepositoryPolicy.Shown(branch)}' is not a valid branch name: it {problem}");
        }
        // Only a branch named after the continued one (<run branch>--<step>) is ever overwritten: never the base or another's.
        if (record.PushBranch is null || !branch.StartsWith(record.RemoteBranch + "--", StringComparison.Ordinal))
        {
            throw new WorkspaceException($"task {record.TaskId} may copy only a branch it continues, and only onto a branch named after it ({record.PushBranch ?? record.Branch}--NAME); {RepositoryPolicy.Shown(branch)} is not one it may overwrite");
        }
        var repository = record.Repository;
        var mirror = Layout.Mirror(record.Key);
        _context.SanitizeMirror(mirror);
        var secrets = CredentialSetup.From(credentials);
        if (repository.IsLocal && await _context.RemoteHeadAsync(repository, mirror, secrets, cancellationToken) == branch)
        {
            throw new WorkspaceException($"refusing to push {branch} to '{repository}': it is that repository's checked-out branch");
        }
        List<string> arguments = ["push", "--porcelain", "--no-verify", "--no-recurse-submodules"];
        if (repository.IsLocal)
        {
            arguments.Add("--receive-pack=" + _context.LocalRemoteProgram("receive-pack"));
        }
        arguments.AddRange(["--", repository.Location, $"+{record.BaseCommit}:refs/heads/{branch}"]);
        await WriteFence.CheckAsync(cancellationToken);
        var result = await Git.RunAsync(_context.Remote(repository, mirror, secrets, arguments), cancellationToken);
        if (!result.Succeeded)
        {
            throw new WorkspaceException($"pushing {branch} to '{repository}' failed: {result.Explanation()}; check that the worker may write to the repository");
        }
        LogPushed(Logger, record.TaskId, branch, repository.Location);
        return record.BaseCommit;
    }

    /// <summary>True when the remote has <paramref name="branch"/>; asked without fetching it.</summary>
    private async Task<bool> RemoteHasBranchAsync(RepositoryRef repository, string mirror, CredentialSetup secrets, string branch, CancellationToken cancellationToken)
    {
        List<string> arguments = ["ls-remote", "--heads"];
        if (repository.IsLocal)
        {
            arguments.Add("--upload-pack=" + _context.LocalRemoteProgram("upload-pack"));
        }
        arguments.AddRange(["--", repository.Location, "refs/heads/" + branch]);
        var result = await Git.RunAsync(_context.Remote(repository, mirror, secrets, arguments), cancellationToken);
        if (!result.Succeeded)
        {
            throw new WorkspaceException($"asking '{repository}' whether branch {branch} exists failed: {result.Explanation()}; check that the repository exists and that the worker may read it");
        }
        return result.Stdout.Split('\n').Any(line => line.EndsWith("\trefs/heads/" + branch, StringComparison.Ordinal));
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
        if (string.Equals(record.RemoteBranch, branch, StringComparison.Ordinal))
        {
            return record.ToWorkspace();
        }
        if (record.PushBranch is not null)
        {
            throw new WorkspaceException($"task {record.TaskId} continues branch {record.PushBranch}, whose name is not the task's to change");
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
