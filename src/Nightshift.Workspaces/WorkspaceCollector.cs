using Microsoft.Extensions.Logging;
using Nightshift.Workspaces.Git;
using Nightshift.Workspaces.Internal;
using Nightshift.Workspaces.Subtasks;

namespace Nightshift.Workspaces;

/// <summary>
/// Removes worktrees of ended tasks once their retention has passed, worktrees nobody released for
/// <see cref="WorkspaceOptions.AbandonedWorktreeRetention"/>, worktrees whose task the <see cref="IKeptWorktreeOwner"/>
/// says another worker holds or ended (at once), stray folders, stale and half-made spare worktrees,
/// git's stale worktree bookkeeping, and
/// evicts the least recently used idle mirrors while they exceed <see cref="WorkspaceOptions.MirrorDiskBudgetBytes"/>.
/// </summary>
public sealed partial class WorkspaceCollector(WorkspaceServices workspaces, ILogger<WorkspaceCollector> logger, IKeptWorktreeOwner? owner = null)
{
    public async Task<CollectionReport> CollectAsync(CancellationToken cancellationToken = default)
    {
        var context = workspaces.Context;
        var layout = context.Layout;
        var options = context.Options;
        var now = context.Time.GetUtcNow();
        layout.EnsureCreated();
        var removed = 0;

        var records = layout.ReadAllRecords().ToList();
        var notOwn = await FindNotOwnAsync(records, cancellationToken);
        foreach (var record in records)
        {
            if (notOwn.Contains(record.TaskId))
            {
                // A lost attempt never released its workspace, so the subtask worktrees it built in are still there too.
                if (workspaces.Subtasks is SubtaskWorkspaces subtasks)
                {
                    await subtasks.RemoveSubtasksAsync(record, cancellationToken);
                }
                await workspaces.TaskWorktrees.RemoveAsync(record, cancellationToken: cancellationToken);
                LogNotOwn(logger, record.TaskId, record.Path);
                removed++;
                continue;
            }
            var expired = record.ReleasedAt is not null
                ? record.KeepUntil is null || record.KeepUntil <= now
                : record.LastUsedAt + options.AbandonedWorktreeRetention <= now;
            if (expired)
            {
                await workspaces.TaskWorktrees.RemoveAsync(record, cancellationToken: cancellationToken);
                removed++;
            }
        }

        var live = layout.ReadAllRecords().ToList();
        var known = live.Select(r => Path.GetFullPath(r.Path)).ToHashSet(StringComparer.Ordinal);
        foreach (var folder in Directory.EnumerateDirectories(layout.Worktrees))
        {
            var full = Path.GetFullPath(folder);
            var age = now - new DateTimeOffset(Directory.GetLastWriteTimeUtc(full), TimeSpan.Zero);
            if (!known.Contains(full) && age >= options.AbandonedWorktreeRetention)
            {
                FileTrees.Delete(full);
                removed++;
            }
        }

        removed += workspaces.Pool.CollectParked();
        var sparesRemoved = await workspaces.Pool.CollectSparesAsync(cancellationToken);

        var mirrors = new List<(string Key, string Path, long Bytes, DateTime Used)>();
        foreach (var mirror in Directory.EnumerateDirectories(layout.Mirrors, "*.git"))
        {
            var name = Path.GetFileName(mirror);
            if (name.StartsWith('.'))
            {
                continue;
            }
            var key = name[..^4];
            await using (await RepositoryLocks.AcquireAsync(layout.MirrorLock(key), context.Time, cancellationToken))
            {
                context.SanitizeMirror(mirror);
                await context.Git.RunAsync(new GitInvocation(["worktree", "prune"]) { GitDir = mirror }, cancellationToken);
            }
            var usedFile = layout.MirrorUsed(key);
            var used = File.Exists(usedFile) ? File.GetLastWriteTimeUtc(usedFile) : Directory.GetLastWriteTimeUtc(mirror);
            mirrors.Add((key, mirror, FileTrees.Size(mirror), used));
        }

        var total = mirrors.Sum(m => m.Bytes);
        var evicted = 0;
        var busy = live.Select(r => r.Key).ToHashSet(StringComparer.Ordinal);
        foreach (var mirror in mirrors.OrderBy(m => m.Used))
        {
            if (total <= options.MirrorDiskBudgetBytes)
            {
                break;
            }
            await using (await RepositoryLocks.AcquireAsync(layout.MirrorLock(mirror.Key), context.Time, cancellationToken))
            {
                // A task may have started on this mirror since the records were read.
                if (busy.Contains(mirror.Key) || layout.ReadAllRecords().Any(r => r.Key == mirror.Key))
                {
                    continue;
                }
                FileTrees.Delete(mirror.Path);
                FileTrees.Delete(layout.ParkedFor(mirror.Key));
                FileTrees.Delete(layout.SparesFor(mirror.Key));
                File.Delete(layout.MirrorUsed(mirror.Key));
            }
            total -= mirror.Bytes;
            evicted++;
            LogEvicted(logger, mirror.Path, mirror.Bytes);
        }

        if (removed > 0 || evicted > 0 || sparesRemoved > 0)
        {
            LogCollected(logger, removed, sparesRemoved, evicted, total);
        }
        return new CollectionReport(removed, evicted, total) { SparesRemoved = sparesRemoved };
    }

    /// <summary>The records' tasks that are another worker's now; none when there is no owner to ask or it cannot answer.</summary>
    private async Task<IReadOnlySet<string>> FindNotOwnAsync(List<WorkspaceRecord> records, CancellationToken cancellationToken)
    {
        if (owner is null || records.Count == 0)
        {
            return new HashSet<string>();
        }
        try
        {
            return await owner.FindNotOwnAsync(records.Select(r => r.TaskId).ToList(), cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The store may be unreachable for a moment: keep everything, the next pass asks again.
            LogOwnerFailed(logger, e);
            return new HashSet<string>();
        }
    }

    [LoggerMessage(EventId = 4123, Level = LogLevel.Information, Message = "removed the worktree of task {TaskId} at {Path}: the task ended on another worker or runs under another worker's lease, so this copy is no longer needed")]
    private static partial void LogNotOwn(ILogger logger, string taskId, string path);

    [LoggerMessage(EventId = 4124, Level = LogLevel.Warning, Message = "could not ask the store which kept worktrees are still this worker's; they are kept until the next collection (Workspaces:CollectInterval) or their retention")]
    private static partial void LogOwnerFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 4120, Level = LogLevel.Information, Message = "workspace collection removed {Worktrees} worktrees and {Spares} spare worktrees and evicted {Mirrors} mirrors; mirrors now take {Bytes} bytes")]
    private static partial void LogCollected(ILogger logger, int worktrees, int spares, int mirrors, long bytes);

    [LoggerMessage(EventId = 4121, Level = LogLevel.Information, Message = "evicted mirror {Mirror} ({Bytes} bytes) to stay within Workspaces:MirrorDiskBudgetBytes")]
    private static partial void LogEvicted(ILogger logger, string mirror, long bytes);
}
