using Microsoft.Extensions.Logging;
using Nightshift.Core.Errors;
using Nightshift.Core.Execution;
using Nightshift.Workspaces.Git;
using Nightshift.Workspaces.Internal;
using Nightshift.Workspaces.Repositories;

namespace Nightshift.Workspaces;

public sealed partial class TaskWorkspaces
{
    /// <summary>Where a task's unpublished progress is kept on the remote; a hidden ref, never a branch.</summary>
    public const string ProgressRefPrefix = "refs/nightshift/progress/";

    /// <summary>
    /// Force-pushes the head of the task's local branch to <see cref="ProgressRefPrefix"/>&lt;task id&gt; on the remote,
    /// so a worker that resumes the task elsewhere can restore the commits made so far. Same remote, credentials and
    /// lease fence as <see cref="PushAsync"/>; nothing is pushed while the task has no commit of its own.
    /// </summary>
    public async Task SaveProgressAsync(Workspace workspace, PushCredentials? credentials = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        var record = RequireRecord(workspace);
        if (record.HeadCommit is null)
        {
            return;
        }
        var repository = record.Repository;
        var mirror = Layout.Mirror(record.Key);
        _context.SanitizeMirror(mirror);
        List<string> arguments = ["push", "--porcelain", "--no-verify", "--no-recurse-submodules"];
        if (repository.IsLocal)
        {
            arguments.Add("--receive-pack=" + _context.LocalRemoteProgram("receive-pack"));
        }
        arguments.AddRange(["--", repository.Location, $"+{record.HeadCommit}:{ProgressRef(record.TaskId)}"]);
        await WriteFence.CheckAsync(cancellationToken);
        var result = await Git.RunAsync(_context.Remote(repository, mirror, CredentialSetup.From(credentials), arguments), cancellationToken);
        if (!result.Succeeded)
        {
            throw new WorkspaceException($"saving the progress of task {record.TaskId} to '{repository}' failed: {result.Explanation()}; check that the worker may write to the repository");
        }
        LogProgressSaved(Logger, record.TaskId, record.HeadCommit);
    }

    /// <summary>
    /// Fetches the task's saved progress (see <see cref="SaveProgressAsync"/>) into the mirror and, when
    /// <paramref name="commit"/> is its tip or one of its ancestors and grew from the worktree's base commit, moves
    /// the worktree and the task's branch to <paramref name="commit"/>. False, with nothing changed, when the remote
    /// holds no progress for the task or the progress does not contain the commit: the caller builds the work again.
    /// </summary>
    public async Task<bool> RestoreProgressAsync(Workspace workspace, string commit, PushCredentials? credentials = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        ArgumentNullException.ThrowIfNull(commit);
        if (!WorkspaceContext.IsObjectId(commit))
        {
            throw new ValidationException("commit", $"'{RepositoryPolicy.Shown(commit)}' is not a full commit id (40 or 64 lowercase hex digits)");
        }
        var record = RequireRecord(workspace);
        var repository = record.Repository;
        var mirror = Layout.Mirror(record.Key);
        _context.SanitizeMirror(mirror);
        var saved = ProgressRef(record.TaskId);
        List<string> fetch = ["fetch", "--quiet", "--no-tags", "--no-recurse-submodules", "--no-write-fetch-head"];
        if (repository.IsLocal)
        {
            fetch.Add("--upload-pack=" + _context.LocalRemoteProgram("upload-pack"));
        }
        fetch.AddRange(["--", repository.Location, $"+{saved}:{saved}"]);
        await using (await RepositoryLocks.AcquireAsync(Layout.MirrorLock(record.Key), Time, cancellationToken))
        {
            var fetched = await Git.RunAsync(_context.Remote(repository, mirror, CredentialSetup.From(credentials), fetch), cancellationToken);
            if (!fetched.Succeeded)
            {
                LogProgressMissing(Logger, record.TaskId, fetched.Explanation());
                return false;
            }
        }
        var from = record.HeadCommit ?? record.BaseCommit;
        if (!await IsAncestorAsync(mirror, commit, saved, cancellationToken) || !await IsAncestorAsync(mirror, record.BaseCommit, commit, cancellationToken))
        {
            LogProgressMissing(Logger, record.TaskId, $"the saved progress does not hold {commit} on top of base {record.BaseCommit}");
            return false;
        }
        if (string.Equals(from, commit, StringComparison.Ordinal))
        {
            return true;
        }
        await WriteFence.CheckAsync(cancellationToken);
        await MoveWorktreeAsync(record, mirror, from, commit, cancellationToken);
        await Git.RunCheckedAsync(new GitInvocation(["update-ref", "-m", "nightshift: restore progress", "refs/heads/" + record.Branch, commit]) { GitDir = mirror }, $"moving branch {record.Branch}", cancellationToken);
        Layout.WriteRecord(record with { HeadCommit = commit, LastUsedAt = Time.GetUtcNow() });
        LogProgressRestored(Logger, record.TaskId, commit);
        return true;
    }

    /// <summary>Deletes the task's saved progress on the remote once its branch is pushed; best effort, a failure is only logged.</summary>
    public async Task DropProgressAsync(Workspace workspace, PushCredentials? credentials = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        var record = RequireRecord(workspace);
        var repository = record.Repository;
        var mirror = Layout.Mirror(record.Key);
        _context.SanitizeMirror(mirror);
        List<string> arguments = ["push", "--porcelain", "--no-verify", "--no-recurse-submodules"];
        if (repository.IsLocal)
        {
            arguments.Add("--receive-pack=" + _context.LocalRemoteProgram("receive-pack"));
        }
        arguments.AddRange(["--", repository.Location, ":" + ProgressRef(record.TaskId)]);
        await WriteFence.CheckAsync(cancellationToken);
        var result = await Git.RunAsync(_context.Remote(repository, mirror, CredentialSetup.From(credentials), arguments), cancellationToken);
        // Deleting a ref that is not there fails too; either way the remote holds no progress of the task.
        if (!result.Succeeded)
        {
            LogProgressNotDropped(Logger, record.TaskId, result.Explanation());
        }
        await Git.RunAsync(new GitInvocation(["update-ref", "-d", ProgressRef(record.TaskId)]) { GitDir = mirror }, cancellationToken);
    }

    private static string ProgressRef(string taskId) => ProgressRefPrefix + taskId;

    /// <summary>
    /// Moves a worktree at <paramref name="from"/> to <paramref name="to"/> on a private index: tracked files are put
    /// back as <paramref name="from"/> has them, then git writes what differs between the two commits.
    /// </summary>
    private async Task MoveWorktreeAsync(WorkspaceRecord record, string mirror, string from, string to, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(record.Path))
        {
            throw new WorkspaceException($"the worktree of task {record.TaskId} is gone ({record.Path}); prepare the workspace again");
        }
        Directory.CreateDirectory(Git.Home.Scratch);
        var index = Path.Combine(Git.Home.Scratch, $"{record.TaskId}-restore-{Guid.NewGuid():N}.index");
        try
        {
            GitInvocation Run(params string[] arguments) => new(arguments) { GitDir = mirror, WorkTree = record.Path, IndexFile = index, WorkingDirectory = record.Path };
            await Git.RunCheckedAsync(Run("read-tree", "--end-of-options", from), "loading the task's tree", cancellationToken);
            // Exit code 1 only means some files differ; diff-files lists them.
            await Git.RunAsync(Run("update-index", "-q", "--refresh"), cancellationToken);
            var differing = await Git.RunCheckedAsync(Run("diff-files", "--name-only", "-z"), "comparing the task worktree", cancellationToken);
            if (differing.Stdout.Length > 0)
            {
                await Git.RunCheckedAsync(Run("checkout-index", "--index", "--force", "-z", "--stdin") with { StandardInput = differing.Stdout }, "restoring files of the task worktree", cancellationToken);
            }
            await Git.RunCheckedAsync(Run("read-tree", "--reset", "-u", "--end-of-options", from, to), $"updating the files of {record.Path}", cancellationToken);
            WorkspaceContext.RefreshWorktreeIndex(mirror, record, index);
        }
        finally
        {
            WorkspaceContext.DeleteIndex(index);
        }
    }

    [LoggerMessage(EventId = 4140, Level = LogLevel.Debug, Message = "task {TaskId}: progress saved at {Commit}")]
    private static partial void LogProgressSaved(ILogger logger, string taskId, string commit);

    [LoggerMessage(EventId = 4141, Level = LogLevel.Information, Message = "task {TaskId}: worktree restored from the saved progress at {Commit}")]
    private static partial void LogProgressRestored(ILogger logger, string taskId, string commit);

    [LoggerMessage(EventId = 4142, Level = LogLevel.Information, Message = "task {TaskId}: no saved progress to restore: {Reason}")]
    private static partial void LogProgressMissing(ILogger logger, string taskId, string reason);

    [LoggerMessage(EventId = 4143, Level = LogLevel.Debug, Message = "task {TaskId}: saved progress not deleted: {Reason}")]
    private static partial void LogProgressNotDropped(ILogger logger, string taskId, string reason);
}
