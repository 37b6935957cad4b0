using System.Globalization;
using Nightshift.Core.Errors;
using Nightshift.Core.Execution;
using Nightshift.Workspaces.Git;
using Nightshift.Workspaces.Internal;
using Nightshift.Workspaces.Repositories;
using Nightshift.Workspaces.Subtasks;

namespace Nightshift.Workspaces;

public sealed partial class TaskWorkspaces
{
    /// <summary>
    /// Commits every change in the worktree (new, changed and deleted files, honouring .gitignore) on the task's
    /// branch. Returns null when nothing changed since the last commit. No hook, filter or fsmonitor runs: the tree
    /// is built on a private index against our mirror and committed with <c>commit-tree</c>.
    /// </summary>
    public async Task<CommitResult?> CommitAsync(Workspace workspace, CommitRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        ArgumentNullException.ThrowIfNull(request);
        var record = RequireRecord(workspace);
        var author = _context.AuthorOf(request);
        var message = WorkspaceContext.ComposeMessage(request, record.TaskId);
        var mirror = Layout.Mirror(record.Key);
        _context.SanitizeMirror(mirror);
        var parent = record.HeadCommit ?? record.BaseCommit;

        var index = await _context.BuildIndexAsync(record, mirror, parent, cancellationToken);
        try
        {
            var tree = (await Git.RunCheckedAsync(new GitInvocation(["write-tree"]) { GitDir = mirror, IndexFile = index }, $"recording the tree of {record.Path}", cancellationToken)).Stdout.Trim();
            var parentTree = (await Git.RunCheckedAsync(new GitInvocation(["rev-parse", "--verify", "--end-of-options", parent + "^{tree}"]) { GitDir = mirror }, "reading the parent commit", cancellationToken)).Stdout.Trim();
            if (tree == parentTree)
            {
                LogNothingToCommit(Logger, record.TaskId);
                return null;
            }
            var commit = await _context.CommitTreeAsync(mirror, tree, [parent], message, author, $"committing in {record.Path}", cancellationToken);
            await WriteFence.CheckAsync(cancellationToken);
            await Git.RunCheckedAsync(new GitInvocation(["update-ref", "-m", "nightshift: commit", "refs/heads/" + record.Branch, commit]) { GitDir = mirror }, $"moving branch {record.Branch}", cancellationToken);
            Layout.WriteRecord(record with { HeadCommit = commit, LastUsedAt = Time.GetUtcNow() });
            WorkspaceContext.RefreshWorktreeIndex(mirror, record, index);

            var changed = await Git.RunCheckedAsync(
                new GitInvocation(["diff-tree", "-r", "-z", "--name-only", "--no-renames", "--no-commit-id", parent, commit]) { GitDir = mirror },
                "listing the committed changes",
                cancellationToken);
            var paths = changed.Stdout.Split('\0', StringSplitOptions.RemoveEmptyEntries);
            LogCommitted(Logger, record.TaskId, commit, record.Branch, paths.Length);
            return new CommitResult(commit, parent, record.Branch, paths);
        }
        finally
        {
            WorkspaceContext.DeleteIndex(index);
        }
    }

    /// <summary>The worktree's change against the base commit as a unified diff, new and deleted files included (committed or not).</summary>
    public async Task<string> DiffAsync(Workspace workspace, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        return await _context.DiffAsync(RequireRecord(workspace), cancellationToken);
    }

    public async Task<string> DiffAsync(Workspace workspace, string commit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        ArgumentNullException.ThrowIfNull(commit);
        if (commit.Length is not (40 or 64) || !commit.All(char.IsAsciiHexDigitLower))
        {
            throw new ValidationException("commit", $"'{RepositoryPolicy.Shown(commit)}' is not a full commit id (40 or 64 lowercase hex digits)");
        }
        var record = RequireRecord(workspace);
        var mirror = Layout.Mirror(record.Key);
        _context.SanitizeMirror(mirror);
        // base...commit: from where the branch left the base, so a base that moved on since is not shown reversed. A
        // follow-up's branch left the base branch long before this task's start, and its pull request shows it all.
        var from = record.BaseCommit;
        if (record.PushBranch is not null)
        {
            var baseRef = WorkspaceContext.RemoteRefs + record.BaseBranch;
            var exists = await Git.RunAsync(new GitInvocation(["rev-parse", "--verify", "--quiet", "--end-of-options", baseRef + "^{commit}"]) { GitDir = mirror }, cancellationToken);
            if (exists.Succeeded)
            {
                from = exists.Stdout.Trim();
            }
        }
        var diff = await Git.RunCheckedAsync(
            new GitInvocation(["diff", "--no-color", "--no-ext-diff", "--no-textconv", "--binary", "--end-of-options", $"{from}...{commit}"]) { GitDir = mirror },
            $"computing the diff of task {record.TaskId} up to {commit[..12]}",
            cancellationToken);
        return diff.Stdout;
    }

    public async Task<CommitPlace> LocateCommitAsync(Workspace workspace, string commit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        ArgumentNullException.ThrowIfNull(commit);
        if (!WorkspaceContext.IsObjectId(commit))
        {
            throw new ValidationException("commit", $"'{RepositoryPolicy.Shown(commit)}' is not a full commit id (40 or 64 lowercase hex digits)");
        }
        var record = RequireRecord(workspace);
        var mirror = Layout.Mirror(record.Key);
        _context.SanitizeMirror(mirror);
        if (await IsAncestorAsync(mirror, commit, record.BaseCommit, cancellationToken))
        {
            return CommitPlace.InBase;
        }
        // The record, not the branch ref (which the worktree's owner could move), says what the task committed.
        return record.HeadCommit is { } head && await IsAncestorAsync(mirror, commit, head, cancellationToken) ? CommitPlace.Committed : CommitPlace.Lost;
    }

    /// <summary>True when the mirror holds both and <paramref name="commit"/> is <paramref name="tip"/> or one of its ancestors; a commit it does not hold is no ancestor.</summary>
    private async Task<bool> IsAncestorAsync(string mirror, string commit, string tip, CancellationToken cancellationToken) =>
        (await Git.RunAsync(new GitInvocation(["merge-base", "--is-ancestor", commit, tip]) { GitDir = mirror }, cancellationToken)).ExitCode == 0;

    private WorkspaceRecord RequireRecord(Workspace workspace) => _context.RequireRecord(workspace.TaskId);
}
