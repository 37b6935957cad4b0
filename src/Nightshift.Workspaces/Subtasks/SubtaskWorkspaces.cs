using System.Globalization;
using Microsoft.Extensions.Logging;
using Nightshift.Core.Errors;
using Nightshift.Core.Execution;
using Nightshift.Workspaces.Git;
using Nightshift.Workspaces.Internal;
using Nightshift.Workspaces.Repositories;

namespace Nightshift.Workspaces.Subtasks;

/// <summary>
/// Subtask worktrees and merges. Independent subtasks of a plan run in worktrees of their own, branched from the task
/// branch; their commits are merged back in order with <c>merge-tree --write-tree</c> on our mirror and
/// <c>commit-tree</c> with both parents, so no hook, filter, merge driver or config from the repository runs. The
/// task worktree is moved to the merged tree with <c>read-tree -u</c> on a private index.
/// </summary>
public sealed partial class SubtaskWorkspaces : ISubtaskWorkspaces
{
    private const string MarkerPattern = "^(<<<<<<<|>>>>>>>)( |$)";

    private readonly WorkspaceContext _context;

    internal SubtaskWorkspaces(WorkspaceContext context)
    {
        _context = context;
    }

    private WorkspaceLayout Layout => _context.Layout;

    private GitRunner Git => _context.Git;

    private SubtaskStore SubtaskRecords => new(Layout.Data);

    /// <summary>The commit the task branch is at: the last commit or merge Nightshift made, or the base commit.</summary>
    public Task<string> CurrentCommitAsync(Workspace task, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(task);
        cancellationToken.ThrowIfCancellationRequested();
        var record = _context.RequireRecord(task.TaskId);
        return Task.FromResult(record.HeadCommit ?? record.BaseCommit);
    }

    /// <summary>True when <paramref name="commit"/> is the task branch's commit or one of its ancestors.</summary>
    public async Task<bool> ContainsCommitAsync(Workspace task, string commit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(task);
        var record = _context.RequireRecord(task.TaskId);
        if (!WorkspaceContext.IsObjectId(commit))
        {
            return false;
        }
        var mirror = Layout.Mirror(record.Key);
        _context.SanitizeMirror(mirror);
        var result = await Git.RunAsync(new GitInvocation(["merge-base", "--is-ancestor", commit, record.HeadCommit ?? record.BaseCommit]) { GitDir = mirror }, cancellationToken);
        return result.Succeeded;
    }

    /// <summary>True when <paramref name="commit"/> is a commit in the task's mirror (a subtask's commit survives its worktree until the mirror is evicted).</summary>
    public async Task<bool> HasCommitAsync(Workspace task, string commit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(task);
        var record = _context.RequireRecord(task.TaskId);
        if (!WorkspaceContext.IsObjectId(commit))
        {
            return false;
        }
        var result = await Git.RunAsync(new GitInvocation(["rev-parse", "--verify", "--quiet", "--end-of-options", commit + "^{commit}"]) { GitDir = Layout.Mirror(record.Key) }, cancellationToken);
        return result.Succeeded;
    }

    /// <summary>
    /// Adds a worktree for subtask <paramref name="subtaskId"/> of <paramref name="task"/> at
    /// <paramref name="fromCommit"/> on branch <c>&lt;task branch&gt;--&lt;subtask id&gt;</c>. A leftover worktree of
    /// the same subtask (from a crashed attempt) is removed first.
    /// </summary>
    public async Task<SubtaskWorkspace> PrepareSubtaskAsync(Workspace task, string subtaskId, string fromCommit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(task);
        var record = _context.RequireRecord(task.TaskId);
        CheckSubtaskId(subtaskId);
        var branch = SubtaskBranch(record, subtaskId);
        var mirror = Layout.Mirror(record.Key);
        var commit = await RequireCommitAsync(mirror, fromCommit, "fromCommit", cancellationToken);

        if (SubtaskRecords.Read(record.TaskId, subtaskId) is { } leftover)
        {
            await RemoveSubtaskAsync(record, leftover, cancellationToken);
        }
        var path = Path.Combine(SubtaskWorktrees(record.TaskId), $"{record.TaskId}--{subtaskId}");
        Directory.CreateDirectory(SubtaskWorktrees(record.TaskId));
        SubtaskRecord created;
        await using (await RepositoryLocks.AcquireAsync(Layout.MirrorLock(record.Key), _context.Time, cancellationToken))
        {
            _context.SanitizeMirror(mirror);
            var leftoverAdmin = Path.Combine(mirror, "worktrees", Path.GetFileName(path));
            if (Path.Exists(path) || Path.Exists(leftoverAdmin))
            {
                FileTrees.Delete(path);
                FileTrees.Delete(leftoverAdmin);
                await Git.RunAsync(new GitInvocation(["worktree", "prune"]) { GitDir = mirror }, cancellationToken);
            }
            await Git.RunCheckedAsync(
                new GitInvocation(["worktree", "add", "--quiet", "--no-track", "-B", branch, "--", path, commit]) { GitDir = mirror },
                $"checking out subtask '{subtaskId}' of task {record.TaskId} into {path}",
                cancellationToken);
            created = new SubtaskRecord(record.TaskId, subtaskId, path, WorkspaceContext.AdminName(path, Path.GetFileName(path)), branch, commit);
            SubtaskRecords.Write(created);
        }
        LogSubtaskPrepared(_context.Logger, record.TaskId, subtaskId, branch, commit);
        return created.ToWorkspace();
    }

    /// <summary>
    /// Commits every change in the subtask's worktree on its branch, like <see cref="ITaskWorkspaces.CommitAsync"/> does for a task.
    /// Nested <c>.git</c> entries the agent created are deleted first, so their folders are committed as plain files
    /// and never as links to other repositories. Returns null when nothing changed.
    /// </summary>
    public async Task<CommitResult?> CommitSubtaskAsync(SubtaskWorkspace subtask, CommitRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subtask);
        ArgumentNullException.ThrowIfNull(request);
        var task = _context.RequireRecord(subtask.TaskId);
        var record = RequireSubtaskRecord(subtask);
        var author = _context.AuthorOf(request);
        var message = WorkspaceContext.ComposeMessage(request, task.TaskId);
        var mirror = Layout.Mirror(task.Key);
        _context.SanitizeMirror(mirror);
        RemoveNestedRepositories(record.Path);

        var parent = record.HeadCommit ?? record.BaseCommit;
        var view = AsWorkspaceRecord(task, record);
        var index = await _context.BuildIndexAsync(view, mirror, parent, cancellationToken);
        try
        {
            var tree = (await Git.RunCheckedAsync(new GitInvocation(["write-tree"]) { GitDir = mirror, IndexFile = index }, $"recording the tree of {record.Path}", cancellationToken)).Stdout.Trim();
            if (tree == await _context.TreeOfAsync(mirror, parent, cancellationToken))
            {
                return null;
            }
            var commit = await _context.CommitTreeAsync(mirror, tree, [parent], message, author, $"committing subtask '{record.SubtaskId}'", cancellationToken);
            await WriteFence.CheckAsync(cancellationToken);
            await Git.RunCheckedAsync(new GitInvocation(["update-ref", "-m", "nightshift: subtask commit", "refs/heads/" + record.Branch, commit]) { GitDir = mirror }, $"moving branch {record.Branch}", cancellationToken);
            SubtaskRecords.Write(record with { HeadCommit = commit });
            WorkspaceContext.RefreshWorktreeIndex(mirror, view, index);
            var paths = await _context.ChangedPathsAsync(mirror, parent, commit, cancellationToken);
            LogSubtaskCommitted(_context.Logger, task.TaskId, record.SubtaskId, commit, paths.Count);
            return new CommitResult(commit, parent, record.Branch, paths);
        }
        finally
        {
            WorkspaceContext.DeleteIndex(index);
        }
    }

    /// <summary>A subtask worktree's change against the commit it was checked out at, like <see cref="ITaskWorkspaces.DiffAsync"/>.</summary>
    public async Task<string> DiffSubtaskAsync(SubtaskWorkspace subtask, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subtask);
        var task = _context.RequireRecord(subtask.TaskId);
        return await _context.DiffAsync(AsWorkspaceRecord(task, RequireSubtaskRecord(subtask)), cancellationToken);
    }

    /// <summary>Removes a subtask's worktree, its git bookkeeping, its branch and its record. Removing twice does nothing.</summary>
    public async Task RemoveSubtaskAsync(SubtaskWorkspace subtask, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subtask);
        if (!Names.IsValidTaskId(subtask.TaskId) || !Names.IsValidTaskId(subtask.SubtaskId))
        {
            return;
        }
        var task = Layout.ReadRecord(subtask.TaskId);
        var record = SubtaskRecords.Read(subtask.TaskId, subtask.SubtaskId);
        if (task is null || record is null)
        {
            return;
        }
        await RemoveSubtaskAsync(task, record, cancellationToken);
    }

    /// <summary>Removes every subtask worktree of <paramref name="task"/> (after a crash, or when its plan is done).</summary>
    public async Task RemoveSubtasksAsync(Workspace task, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(task);
        await RemoveSubtasksAsync(_context.RequireRecord(task.TaskId), cancellationToken);
    }

    internal async Task RemoveSubtasksAsync(WorkspaceRecord record, CancellationToken cancellationToken)
    {
        foreach (var subtask in SubtaskRecords.ReadAll(record.TaskId))
        {
            await RemoveSubtaskAsync(record, subtask, cancellationToken);
        }
        var folder = SubtaskWorktrees(record.TaskId);
        if (Directory.Exists(folder) && !Directory.EnumerateFileSystemEntries(folder).Any())
        {
            Directory.Delete(folder);
        }
    }

    /// <summary>
    /// Merges <paramref name="subtaskCommit"/> (a commit of subtask <paramref name="subtaskId"/>) into the task
    /// branch. A clean merge commits at once with both parents; a conflicted one leaves the task worktree holding
    /// the files with conflict markers, pending <see cref="CompleteMergeAsync"/> or <see cref="AbortMergeAsync"/>,
    /// and the task branch unmoved. Only one merge per task may be pending.
    /// </summary>
    public async Task<SubtaskMergeResult> MergeSubtaskAsync(Workspace task, string subtaskId, string subtaskCommit, CommitRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(request);
        var record = _context.RequireRecord(task.TaskId);
        CheckSubtaskId(subtaskId);
        var author = _context.AuthorOf(request);
        var message = WorkspaceContext.ComposeMessage(request, record.TaskId);
        if (SubtaskRecords.ReadMerge(record.TaskId) is { } pending)
        {
            throw new WorkspaceException($"task {record.TaskId} still has the merge of subtask '{pending.SubtaskId}' pending; complete or abort it before merging '{subtaskId}'");
        }
        var mirror = Layout.Mirror(record.Key);
        _context.SanitizeMirror(mirror);
        var head = record.HeadCommit ?? record.BaseCommit;
        var theirs = await RequireCommitAsync(mirror, subtaskCommit, "subtaskCommit", cancellationToken);

        // Branch names instead of ids make the conflict markers say which side is which.
        var ours = record.Branch;
        var side = SubtaskBranch(record, subtaskId);
        await WriteFence.CheckAsync(cancellationToken);
        await Git.RunCheckedAsync(new GitInvocation(["update-ref", "refs/heads/" + ours, head]) { GitDir = mirror }, $"pointing {ours} at its last commit", cancellationToken);
        await Git.RunCheckedAsync(new GitInvocation(["update-ref", "refs/heads/" + side, theirs]) { GitDir = mirror }, $"pointing {side} at the subtask's commit", cancellationToken);
        var merged = await Git.RunAsync(new GitInvocation(["merge-tree", "--write-tree", "-z", "--name-only", "--no-messages", ours, side]) { GitDir = mirror }, cancellationToken);
        if (merged.ExitCode is not (0 or 1))
        {
            throw new WorkspaceException($"merging subtask '{subtaskId}' into {ours} failed: {merged.Explanation()}");
        }
        var fields = merged.Stdout.Split('\0');
        var tree = fields[0].Trim();
        if (!WorkspaceContext.IsObjectId(tree))
        {
            throw new WorkspaceException($"merging subtask '{subtaskId}' into {ours} gave no tree: {merged.Explanation()}");
        }
        var headTree = await _context.TreeOfAsync(mirror, head, cancellationToken);
        if (merged.ExitCode == 0)
        {
            if (tree == headTree)
            {
                LogSubtaskMergeUnchanged(_context.Logger, record.TaskId, subtaskId);
                return new SubtaskMergeResult(SubtaskMergeStatus.Unchanged, head, []);
            }
            var commit = await _context.CommitTreeAsync(mirror, tree, [head, theirs], message, author, $"committing the merge of subtask '{subtaskId}'", cancellationToken);
            var journal = new PendingMerge(subtaskId, head, theirs, tree, []) { Commit = commit };
            SubtaskRecords.WriteMerge(record.TaskId, journal);
            await FinishCleanMergeAsync(record, mirror, journal, cancellationToken);
            LogSubtaskMerged(_context.Logger, record.TaskId, subtaskId, commit);
            return new SubtaskMergeResult(SubtaskMergeStatus.Merged, commit, []);
        }

        var conflicted = fields.Skip(1).TakeWhile(f => f.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        SubtaskRecords.WriteMerge(record.TaskId, new PendingMerge(subtaskId, head, theirs, tree, conflicted));
        await SyncWorktreeAsync(record, mirror, headTree, tree, refreshAdminIndex: false, cancellationToken);
        LogSubtaskConflicted(_context.Logger, record.TaskId, subtaskId, conflicted.Count);
        return new SubtaskMergeResult(SubtaskMergeStatus.Conflicted, head, conflicted);
    }

    /// <summary>
    /// Finishes the pending conflicted merge with what is now in the task worktree: refuses (returns
    /// <see cref="SubtaskMergeStatus.Conflicted"/> with the paths, merge still pending) while a conflicted text file
    /// still has a marker line; otherwise commits every change with the task's last commit and the subtask's commit
    /// as parents and moves the task branch.
    /// </summary>
    public async Task<SubtaskMergeResult> CompleteMergeAsync(Workspace task, CommitRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(request);
        var record = _context.RequireRecord(task.TaskId);
        var author = _context.AuthorOf(request);
        var message = WorkspaceContext.ComposeMessage(request, record.TaskId);
        var pending = SubtaskRecords.ReadMerge(record.TaskId);
        if (pending is null || pending.Commit is not null)
        {
            throw new WorkspaceException($"task {record.TaskId} has no conflicted merge waiting to be completed");
        }
        var head = record.HeadCommit ?? record.BaseCommit;
        if (pending.Head != head)
        {
            throw new WorkspaceException($"the pending merge of subtask '{pending.SubtaskId}' started from {pending.Head}, but task {record.TaskId} is now at {head}; abort it and merge again");
        }
        var mirror = Layout.Mirror(record.Key);
        _context.SanitizeMirror(mirror);
        var index = await _context.BuildIndexAsync(record, mirror, pending.Tree, cancellationToken);
        try
        {
            var tree = (await Git.RunCheckedAsync(new GitInvocation(["write-tree"]) { GitDir = mirror, IndexFile = index }, $"recording the tree of {record.Path}", cancellationToken)).Stdout.Trim();
            var remaining = await PathsWithMarkersAsync(mirror, tree, pending.ConflictedPaths, cancellationToken);
            if (remaining.Count > 0)
            {
                LogSubtaskStillConflicted(_context.Logger, record.TaskId, pending.SubtaskId, remaining.Count);
                return new SubtaskMergeResult(SubtaskMergeStatus.Conflicted, head, remaining);
            }
            var commit = await _context.CommitTreeAsync(mirror, tree, [head, pending.SubtaskCommit], message, author, $"committing the resolved merge of subtask '{pending.SubtaskId}'", cancellationToken);
            await MoveTaskBranchAsync(record, mirror, commit, cancellationToken);
            WorkspaceContext.RefreshWorktreeIndex(mirror, record, index);
            SubtaskRecords.DeleteMerge(record.TaskId);
            LogSubtaskMerged(_context.Logger, record.TaskId, pending.SubtaskId, commit);
            return new SubtaskMergeResult(SubtaskMergeStatus.Merged, commit, []);
        }
        finally
        {
            WorkspaceContext.DeleteIndex(index);
        }
    }

    /// <summary>
    /// Gives up the pending conflicted merge: the task worktree's tracked files go back to the task branch's commit
    /// (whatever was edited to resolve it is discarded) and the branch stays where it was. Does nothing when no
    /// merge is pending.
    /// </summary>
    public async Task AbortMergeAsync(Workspace task, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(task);
        var record = _context.RequireRecord(task.TaskId);
        var pending = SubtaskRecords.ReadMerge(record.TaskId);
        if (pending is null)
        {
            return;
        }
        var mirror = Layout.Mirror(record.Key);
        _context.SanitizeMirror(mirror);
        var head = record.HeadCommit ?? record.BaseCommit;
        await SyncWorktreeAsync(record, mirror, pending.Tree, await _context.TreeOfAsync(mirror, head, cancellationToken), refreshAdminIndex: true, cancellationToken);
        SubtaskRecords.DeleteMerge(record.TaskId);
        LogSubtaskMergeAborted(_context.Logger, record.TaskId, pending.SubtaskId);
    }

    /// <summary>
    /// After a crash: finishes a clean merge that was interrupted while the task worktree was being updated, and
    /// aborts a conflicted one. Returns the id of the subtask whose merge was completed, or null.
    /// </summary>
    public async Task<string?> RecoverMergeAsync(Workspace task, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(task);
        var record = _context.RequireRecord(task.TaskId);
        var pending = SubtaskRecords.ReadMerge(record.TaskId);
        if (pending is null)
        {
            return null;
        }
        if (pending.Commit is null)
        {
            await AbortMergeAsync(task, cancellationToken);
            return null;
        }
        var mirror = Layout.Mirror(record.Key);
        _context.SanitizeMirror(mirror);
        await FinishCleanMergeAsync(record, mirror, pending, cancellationToken);
        return pending.SubtaskId;
    }

    /// <summary>Task worktree first, then branch and record: a crash in between is finished from the journal.</summary>
    private async Task FinishCleanMergeAsync(WorkspaceRecord record, string mirror, PendingMerge journal, CancellationToken cancellationToken)
    {
        var head = record.HeadCommit ?? record.BaseCommit;
        if (head == journal.Commit)
        {
            SubtaskRecords.DeleteMerge(record.TaskId);
            return;
        }
        if (head != journal.Head)
        {
            throw new WorkspaceException($"task {record.TaskId} moved to {head} while the merge of subtask '{journal.SubtaskId}' was pending; abort it and merge again");
        }
        await SyncWorktreeAsync(record, mirror, await _context.TreeOfAsync(mirror, journal.Head, cancellationToken), journal.Tree, refreshAdminIndex: true, cancellationToken);
        await MoveTaskBranchAsync(record, mirror, journal.Commit!, cancellationToken);
        SubtaskRecords.DeleteMerge(record.TaskId);
    }

    private async Task MoveTaskBranchAsync(WorkspaceRecord record, string mirror, string to, CancellationToken cancellationToken)
    {
        await WriteFence.CheckAsync(cancellationToken);
        await Git.RunCheckedAsync(new GitInvocation(["update-ref", "-m", "nightshift: merge subtask", "refs/heads/" + record.Branch, to]) { GitDir = mirror }, $"moving branch {record.Branch}", cancellationToken);
        Layout.WriteRecord(record with { HeadCommit = to, LastUsedAt = _context.Time.GetUtcNow() });
    }

    /// <summary>
    /// Moves the task worktree from <paramref name="fromTree"/> to <paramref name="toTree"/>: tracked files that
    /// differ from <paramref name="fromTree"/> are first restored, then git writes what changed between the trees,
    /// overwriting untracked files in the way and leaving other untracked files (build output) alone. git refuses
    /// to write through a symbolic link, and our configuration runs no filter or hook.
    /// </summary>
    private async Task SyncWorktreeAsync(WorkspaceRecord record, string mirror, string fromTree, string toTree, bool refreshAdminIndex, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(record.Path))
        {
            throw new WorkspaceException($"the worktree of task {record.TaskId} is gone ({record.Path}); prepare the workspace again");
        }
        Directory.CreateDirectory(Git.Home.Scratch);
        var index = Path.Combine(Git.Home.Scratch, $"{record.TaskId}-sync-{Guid.NewGuid():N}.index");
        try
        {
            GitInvocation Run(params string[] arguments) => new(arguments) { GitDir = mirror, WorkTree = record.Path, IndexFile = index, WorkingDirectory = record.Path };
            await Git.RunCheckedAsync(Run("read-tree", "--end-of-options", fromTree), "loading the task's tree", cancellationToken);
            // Exit code 1 only means some files differ; diff-files lists them.
            await Git.RunAsync(Run("update-index", "-q", "--refresh"), cancellationToken);
            var differing = await Git.RunCheckedAsync(Run("diff-files", "--name-only", "-z"), "comparing the task worktree", cancellationToken);
            if (differing.Stdout.Length > 0)
            {
                await Git.RunCheckedAsync(Run("checkout-index", "--index", "--force", "-z", "--stdin") with { StandardInput = differing.Stdout }, "restoring files of the task worktree", cancellationToken);
            }
            await Git.RunCheckedAsync(Run("read-tree", "--reset", "-u", "--end-of-options", fromTree, toTree), $"updating the files of {record.Path}", cancellationToken);
            if (refreshAdminIndex)
            {
                WorkspaceContext.RefreshWorktreeIndex(mirror, record, index);
            }
        }
        finally
        {
            WorkspaceContext.DeleteIndex(index);
        }
    }

    private async Task<IReadOnlyList<string>> PathsWithMarkersAsync(string mirror, string tree, IReadOnlyList<string> paths, CancellationToken cancellationToken)
    {
        if (paths.Count == 0)
        {
            return [];
        }
        // Read from the tree about to be committed, not the worktree: what counts is what git records, and git never
        // follows a link or opens a fifo the agent left. -I skips binary files, which carry no markers.
        List<string> arguments = ["grep", "-l", "-z", "-I", "--no-color", "--no-textconv", "-E", "-e", MarkerPattern, tree, "--"];
        arguments.AddRange(paths);
        var result = await Git.RunAsync(new GitInvocation(arguments) { GitDir = mirror, Environment = new Dictionary<string, string> { ["GIT_LITERAL_PATHSPECS"] = "1" } }, cancellationToken);
        if (result.ExitCode == 1)
        {
            return [];
        }
        if (!result.Succeeded)
        {
            throw new WorkspaceException($"looking for conflict markers failed: {result.Explanation()}");
        }
        var prefix = tree + ":";
        return [.. result.Stdout.Split('\0', StringSplitOptions.RemoveEmptyEntries).Select(p => p.StartsWith(prefix, StringComparison.Ordinal) ? p[prefix.Length..] : p)];
    }

    private async Task<string> RequireCommitAsync(string mirror, string commit, string field, CancellationToken cancellationToken)
    {
        if (!WorkspaceContext.IsObjectId(commit))
        {
            throw new ValidationException(field, $"'{RepositoryPolicy.Shown(commit ?? "")}' is not a commit id: give the 40 hexadecimal characters git prints");
        }
        var result = await Git.RunAsync(new GitInvocation(["rev-parse", "--verify", "--quiet", "--end-of-options", commit + "^{commit}"]) { GitDir = mirror }, cancellationToken);
        if (!result.Succeeded)
        {
            throw new WorkspaceException($"commit {commit} is not in the mirror; it must come from this task's branch or one of its subtasks");
        }
        return result.Stdout.Trim();
    }

    private async Task RemoveSubtaskAsync(WorkspaceRecord task, SubtaskRecord record, CancellationToken cancellationToken)
    {
        // The record lives outside the worktree, but stay inside our folders whatever it says.
        var path = Path.GetFullPath(record.Path);
        var root = SubtaskWorktrees(task.TaskId);
        if (LocalPaths.IsUnder(path, root) && path != root)
        {
            FileTrees.Delete(path);
        }
        var mirror = Layout.Mirror(task.Key);
        if (Directory.Exists(mirror))
        {
            await using (await RepositoryLocks.AcquireAsync(Layout.MirrorLock(task.Key), _context.Time, cancellationToken))
            {
                if (IsPlainName(record.AdminName))
                {
                    FileTrees.Delete(Path.Combine(mirror, "worktrees", record.AdminName));
                }
                _context.SanitizeMirror(mirror);
                if (record.Branch == SubtaskBranch(task, record.SubtaskId))
                {
                    await Git.RunAsync(new GitInvocation(["update-ref", "-d", "refs/heads/" + record.Branch]) { GitDir = mirror }, cancellationToken);
                }
                await Git.RunAsync(new GitInvocation(["worktree", "prune"]) { GitDir = mirror }, cancellationToken);
            }
        }
        SubtaskRecords.Delete(task.TaskId, record.SubtaskId);
        LogSubtaskRemoved(_context.Logger, task.TaskId, record.SubtaskId);
    }

    /// <summary>
    /// git would record a folder holding a <c>.git</c> as a link to another repository (or refuse it); in a
    /// subtask worktree, which is thrown away after its commit, those entries are simply deleted.
    /// </summary>
    private static void RemoveNestedRepositories(string root)
    {
        if (!Directory.Exists(root))
        {
            return;
        }
        var options = new EnumerationOptions { RecurseSubdirectories = false, AttributesToSkip = 0, IgnoreInaccessible = true };
        var pending = new Stack<DirectoryInfo>([new DirectoryInfo(root)]);
        while (pending.Count > 0)
        {
            var dir = pending.Pop();
            foreach (var entry in dir.EnumerateFileSystemInfos("*", options))
            {
                var nested = dir.FullName != root && entry.Name == ".git";
                if (nested)
                {
                    if (entry is DirectoryInfo && entry.LinkTarget is null)
                    {
                        FileTrees.Delete(entry.FullName);
                    }
                    else
                    {
                        File.Delete(entry.FullName);
                    }
                }
                else if (entry is DirectoryInfo sub && sub.LinkTarget is null && !(dir.FullName == root && entry.Name == ".git"))
                {
                    pending.Push(sub);
                }
            }
        }
    }

    private static WorkspaceRecord AsWorkspaceRecord(WorkspaceRecord task, SubtaskRecord subtask) =>
        task with
        {
            Path = subtask.Path,
            AdminName = subtask.AdminName,
            Branch = subtask.Branch,
            BaseCommit = subtask.BaseCommit,
            HeadCommit = subtask.HeadCommit,
        };

    private string SubtaskWorktrees(string taskId) => Path.Combine(Layout.Worktrees, taskId + ".subtasks");

    private static string SubtaskBranch(WorkspaceRecord task, string subtaskId) => $"{task.Branch}--{subtaskId}";

    private SubtaskRecord RequireSubtaskRecord(SubtaskWorkspace subtask)
    {
        var record = Names.IsValidTaskId(subtask.SubtaskId) ? SubtaskRecords.Read(subtask.TaskId, subtask.SubtaskId) : null;
        if (record is null)
        {
            throw new WorkspaceException($"subtask '{RepositoryPolicy.Shown(subtask.SubtaskId ?? "")}' of task {subtask.TaskId} has no worktree; prepare it first");
        }
        return record;
    }

    private static void CheckSubtaskId(string subtaskId)
    {
        if (!Names.IsValidTaskId(subtaskId))
        {
            throw new ValidationException("subtaskId", $"'{RepositoryPolicy.Shown(subtaskId ?? "")}' is not a subtask id: use 1 to 64 letters, digits, '-' or '_', starting with a letter or digit");
        }
    }

        private static bool IsPlainName(string name) =>
        name is { Length: > 0 and <= 200 } && name is not ("." or "..") && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    [LoggerMessage(EventId = 4130, Level = LogLevel.Information, Message = "subtask {SubtaskId} of task {TaskId} has a worktree on {Branch} from {BaseCommit}")]
    private static partial void LogSubtaskPrepared(ILogger logger, string taskId, string subtaskId, string branch, string baseCommit);

    [LoggerMessage(EventId = 4131, Level = LogLevel.Information, Message = "subtask {SubtaskId} of task {TaskId} committed {Commit} ({Count} paths)")]
    private static partial void LogSubtaskCommitted(ILogger logger, string taskId, string subtaskId, string commit, int count);

    [LoggerMessage(EventId = 4132, Level = LogLevel.Information, Message = "subtask {SubtaskId} merged into task {TaskId} as {Commit}")]
    private static partial void LogSubtaskMerged(ILogger logger, string taskId, string subtaskId, string commit);

    [LoggerMessage(EventId = 4133, Level = LogLevel.Information, Message = "subtask {SubtaskId} of task {TaskId} changed nothing the task branch lacked; no merge commit")]
    private static partial void LogSubtaskMergeUnchanged(ILogger logger, string taskId, string subtaskId);

    [LoggerMessage(EventId = 4134, Level = LogLevel.Information, Message = "merging subtask {SubtaskId} into task {TaskId} conflicts in {Count} paths; markers written to the task worktree")]
    private static partial void LogSubtaskConflicted(ILogger logger, string taskId, string subtaskId, int count);

    [LoggerMessage(EventId = 4135, Level = LogLevel.Information, Message = "the merge of subtask {SubtaskId} into task {TaskId} still has markers in {Count} paths")]
    private static partial void LogSubtaskStillConflicted(ILogger logger, string taskId, string subtaskId, int count);

    [LoggerMessage(EventId = 4136, Level = LogLevel.Information, Message = "the merge of subtask {SubtaskId} into task {TaskId} was aborted; the task worktree is back at the branch's commit")]
    private static partial void LogSubtaskMergeAborted(ILogger logger, string taskId, string subtaskId);

    [LoggerMessage(EventId = 4137, Level = LogLevel.Information, Message = "worktree of subtask {SubtaskId} of task {TaskId} removed")]
    private static partial void LogSubtaskRemoved(ILogger logger, string taskId, string subtaskId);
}
