using System.Globalization;
using Nightshift.Core.Errors;
using Nightshift.Core.Execution;
using Nightshift.Workspaces.Git;
using Nightshift.Workspaces.Internal;
using Nightshift.Workspaces.Repositories;
using Nightshift.Workspaces.Subtasks;

namespace Nightshift.Workspaces;

public sealed partial class WorkspaceManager
{
    private const int MaxMessageLength = 64 * 1024;

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
        var author = request.Author ?? new CommitAuthor(_options.AuthorName, _options.AuthorEmail);
        CheckIdentity(author);
        var message = ComposeMessage(request, record.TaskId);
        var mirror = Layout.Mirror(record.Key);
        SanitizeMirror(mirror);
        var parent = record.HeadCommit ?? record.BaseCommit;

        var index = await BuildIndexAsync(record, mirror, parent, cancellationToken);
        try
        {
            var tree = (await Git.RunCheckedAsync(new GitInvocation(["write-tree"]) { GitDir = mirror, IndexFile = index }, $"recording the tree of {record.Path}", cancellationToken)).Stdout.Trim();
            var parentTree = (await Git.RunCheckedAsync(new GitInvocation(["rev-parse", "--verify", "--end-of-options", parent + "^{tree}"]) { GitDir = mirror }, "reading the parent commit", cancellationToken)).Stdout.Trim();
            if (tree == parentTree)
            {
                LogNothingToCommit(_logger, record.TaskId);
                return null;
            }
            var date = string.Create(CultureInfo.InvariantCulture, $"@{_time.GetUtcNow().ToUnixTimeSeconds()} +0000");
            var identity = new Dictionary<string, string>
            {
                ["GIT_AUTHOR_NAME"] = author.Name,
                ["GIT_AUTHOR_EMAIL"] = author.Email,
                ["GIT_AUTHOR_DATE"] = date,
                ["GIT_COMMITTER_NAME"] = author.Name,
                ["GIT_COMMITTER_EMAIL"] = author.Email,
                ["GIT_COMMITTER_DATE"] = date,
            };
            var commit = (await Git.RunCheckedAsync(
                new GitInvocation(["commit-tree", tree, "-p", parent, "-F", "-"]) { GitDir = mirror, StandardInput = message, Environment = identity },
                $"committing in {record.Path}",
                cancellationToken)).Stdout.Trim();
            await WriteFence.CheckAsync(cancellationToken);
            await Git.RunCheckedAsync(new GitInvocation(["update-ref", "-m", "nightshift: commit", "refs/heads/" + record.Branch, commit]) { GitDir = mirror }, $"moving branch {record.Branch}", cancellationToken);
            Layout.WriteRecord(record with { HeadCommit = commit, LastUsedAt = _time.GetUtcNow() });
            RefreshWorktreeIndex(mirror, record, index);

            var changed = await Git.RunCheckedAsync(
                new GitInvocation(["diff-tree", "-r", "-z", "--name-only", "--no-renames", "--no-commit-id", parent, commit]) { GitDir = mirror },
                "listing the committed changes",
                cancellationToken);
            var paths = changed.Stdout.Split('\0', StringSplitOptions.RemoveEmptyEntries);
            LogCommitted(_logger, record.TaskId, commit, record.Branch, paths.Length);
            return new CommitResult(commit, parent, record.Branch, paths);
        }
        finally
        {
            DeleteIndex(index);
        }
    }

    /// <summary>The worktree's change against the base commit as a unified diff, new and deleted files included (committed or not).</summary>
    public async Task<string> DiffAsync(Workspace workspace, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        return await DiffAsync(RequireRecord(workspace), cancellationToken);
    }

    /// <summary>A subtask worktree's change against the commit it was checked out at, like <see cref="DiffAsync(Workspace, CancellationToken)"/>.</summary>
    public async Task<string> DiffSubtaskAsync(SubtaskWorkspace subtask, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subtask);
        var task = RequireTaskRecord(subtask.TaskId);
        return await DiffAsync(AsWorkspaceRecord(task, RequireSubtaskRecord(subtask)), cancellationToken);
    }

    private async Task<string> DiffAsync(WorkspaceRecord record, CancellationToken cancellationToken)
    {
        var mirror = Layout.Mirror(record.Key);
        SanitizeMirror(mirror);
        var index = await BuildIndexAsync(record, mirror, record.BaseCommit, cancellationToken);
        try
        {
            var diff = await Git.RunCheckedAsync(
                new GitInvocation(["diff", "--cached", "--no-color", "--no-ext-diff", "--no-textconv", "--binary", "--end-of-options", record.BaseCommit])
                {
                    GitDir = mirror,
                    IndexFile = index,
                },
                $"computing the diff of {record.Path}",
                cancellationToken);
            return diff.Stdout;
        }
        finally
        {
            DeleteIndex(index);
        }
    }

    /// <summary>A private index holding the worktree's current files, starting from <paramref name="treeish"/> so only changes are re-read.</summary>
    private async Task<string> BuildIndexAsync(WorkspaceRecord record, string mirror, string treeish, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(record.Path))
        {
            throw new WorkspaceException($"the worktree of task {record.TaskId} is gone ({record.Path}); prepare the workspace again");
        }
        Directory.CreateDirectory(Git.Home.Scratch);
        var index = Path.Combine(Git.Home.Scratch, $"{record.TaskId}-{Guid.NewGuid():N}.index");
        try
        {
            await Git.RunCheckedAsync(new GitInvocation(["read-tree", "--end-of-options", treeish]) { GitDir = mirror, IndexFile = index }, "loading the base tree", cancellationToken);
            await Git.RunCheckedAsync(
                new GitInvocation(["add", "--all", "--", "."]) { GitDir = mirror, WorkTree = record.Path, IndexFile = index, WorkingDirectory = record.Path },
                $"reading the changes in {record.Path}",
                cancellationToken);
            return index;
        }
        catch
        {
            DeleteIndex(index);
            throw;
        }
    }

    /// <summary>Lets git inside the worktree see the new commit as clean; a convenience for the agent, never read back by us.</summary>
    private static void RefreshWorktreeIndex(string mirror, WorkspaceRecord record, string index)
    {
        var admin = Path.Combine(mirror, "worktrees", record.AdminName);
        if (!Directory.Exists(admin) || new DirectoryInfo(admin).LinkTarget is not null)
        {
            return;
        }
        var target = Path.Combine(admin, "index");
        var temp = target + ".nightshift-" + Guid.NewGuid().ToString("N");
        File.Copy(index, temp);
        File.Move(temp, target, overwrite: true);
    }

    private static void DeleteIndex(string index)
    {
        File.Delete(index);
        File.Delete(index + ".lock");
    }

    private static string ComposeMessage(CommitRequest request, string workspaceTaskId)
    {
        var body = (request.Message ?? "").Replace("\0", "", StringComparison.Ordinal).ReplaceLineEndings("\n").TrimEnd();
        if (body.Trim().Length == 0)
        {
            throw new ValidationException("message", "the commit message is empty; say what the change does");
        }
        if (body.Length > MaxMessageLength)
        {
            throw new ValidationException("message", $"the commit message is {body.Length} characters long; at most {MaxMessageLength} are accepted");
        }
        var taskId = request.TaskId ?? workspaceTaskId;
        if (taskId.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)) || taskId.Length > 64)
        {
            throw new ValidationException("taskId", "the task id for the trailer must be at most 64 characters, without spaces or control characters");
        }
        return $"{body}\n\nNightshift-Task: {taskId}\n";
    }

    private static void CheckIdentity(CommitAuthor author)
    {
        static bool Bad(string? value) => string.IsNullOrWhiteSpace(value) || value.Length > 200 || value.Any(c => char.IsControl(c) || c is '<' or '>');
        if (Bad(author.Name) || Bad(author.Email))
        {
            throw new ValidationException("author", "author name and e-mail must be non-empty, at most 200 characters, without '<', '>' or control characters");
        }
    }

    private WorkspaceRecord RequireRecord(Workspace workspace)
    {
        var record = Names.IsValidTaskId(workspace.TaskId) ? Layout.ReadRecord(workspace.TaskId) : null;
        if (record is null || record.ReleasedAt is not null)
        {
            throw new WorkspaceException($"task {RepositoryPolicy.Shown(workspace.TaskId)} has no active workspace; prepare it first");
        }
        return record;
    }
}
