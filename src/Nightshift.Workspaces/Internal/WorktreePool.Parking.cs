using System.Globalization;
using Nightshift.Workspaces.Git;
using Microsoft.Extensions.Logging;

namespace Nightshift.Workspaces.Internal;

/// <summary>
/// Reuse of released worktrees. Writing every file of a large checkout dominates preparation, so a released folder
/// is parked and the next task on the same repository adopts it. Its content came from an agent and is untrusted:
/// every file is hashed against our tree on a private index, differing or missing ones are checked out again,
/// everything else (untracked, ignored, nested repositories) is deleted, and special mode bits are cleared.
/// </summary>
internal sealed partial class WorktreePool
{
    /// <summary>Moves a released worktree aside for reuse; false when the pool is full or reuse is off.</summary>
    public bool TryPark(WorkspaceRecord record, string path)
    {
        if (context.Options.MaxParkedWorktrees <= 0 || !Directory.Exists(path) || new DirectoryInfo(path).LinkTarget is not null)
        {
            return false;
        }
        var pool = context.Layout.ParkedFor(record.Key);
        Directory.CreateDirectory(pool);
        if (Directory.EnumerateDirectories(pool).Count() >= context.Options.MaxParkedWorktrees)
        {
            return false;
        }
        var stamp = context.Time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        Directory.Move(path, Path.Combine(pool, $"{stamp}-{Guid.NewGuid():N}"));
        return true;
    }

    /// <summary>Takes a parked folder for <paramref name="key"/> out of the pool, or null.</summary>
    private string? TakeParked(string key)
    {
        var pool = context.Layout.ParkedFor(key);
        if (!Directory.Exists(pool))
        {
            return null;
        }
        foreach (var candidate in Directory.EnumerateDirectories(pool).Order(StringComparer.Ordinal).Reverse())
        {
            var taken = candidate + ".taken";
            try
            {
                Directory.Move(candidate, taken);
                return taken;
            }
            catch (IOException)
            {
                // Another process took it first.
            }
        }
        return null;
    }

    /// <summary>
    /// Adds a worktree without checkout, moves the parked folder's entries into it and reconciles them with the
    /// base tree. Any failure falls back to a fresh checkout by the caller.
    /// </summary>
    public async Task<bool> TryAdoptParkedAsync(string mirror, string key, string path, string branch, string baseCommit, CancellationToken cancellationToken)
    {
        var parked = TakeParked(key);
        if (parked is null)
        {
            return false;
        }
        try
        {
            await context.Git.RunCheckedAsync(
                new GitInvocation(["worktree", "add", "--quiet", "--no-checkout", "--no-track", "-B", branch, "--", path, baseCommit]) { GitDir = mirror },
                "adding a worktree",
                cancellationToken);
            foreach (var entry in new DirectoryInfo(parked).EnumerateFileSystemInfos("*", new EnumerationOptions { AttributesToSkip = 0 }))
            {
                // Top-level links are left behind (a tracked one is checked out again); moving them gains nothing.
                if (entry.Name == ".git" || entry.LinkTarget is not null)
                {
                    continue;
                }
                var target = Path.Combine(path, entry.Name);
                if (entry is DirectoryInfo)
                {
                    Directory.Move(entry.FullName, target);
                }
                else
                {
                    File.Move(entry.FullName, target);
                }
            }
            await ReconcileAsync(mirror, path, baseCommit, cancellationToken);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or WorkspaceException)
        {
            LogAdoptFailed(context.Logger, path, e.Message);
            FileTrees.Delete(path);
            FileTrees.Delete(Path.Combine(mirror, "worktrees", Path.GetFileName(path)));
            await context.Git.RunAsync(new GitInvocation(["worktree", "prune"]) { GitDir = mirror }, cancellationToken);
            return false;
        }
        finally
        {
            FileTrees.Delete(parked);
        }
    }

    private async Task ReconcileAsync(string mirror, string path, string baseCommit, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(context.Git.Home.Scratch);
        var index = Path.Combine(context.Git.Home.Scratch, $"adopt-{Guid.NewGuid():N}.index");
        try
        {
            GitInvocation Run(params string[] arguments) => new(arguments) { GitDir = mirror, WorkTree = path, IndexFile = index, WorkingDirectory = path };
            await context.Git.RunCheckedAsync(Run("read-tree", "--end-of-options", baseCommit), "loading the base tree", cancellationToken);
            // Exit code 1 only means some files differ; diff-files below lists them.
            await context.Git.RunAsync(Run("update-index", "-q", "--refresh"), cancellationToken);
            var differing = await context.Git.RunCheckedAsync(Run("diff-files", "--name-only", "-z"), "comparing the reused worktree", cancellationToken);
            if (differing.Stdout.Length > 0)
            {
                await context.Git.RunCheckedAsync(Run([.. context.CheckoutConfig, "checkout-index", "--index", "--force", "-z", "--stdin"]) with { StandardInput = differing.Stdout }, "restoring files of the reused worktree", cancellationToken);
            }
            await context.Git.RunCheckedAsync(Run("clean", "-ffdxq"), "cleaning the reused worktree", cancellationToken);
            ClearSpecialModes(path);
            // Files written in the same second as the index are stored "racily clean" (size smudged), and diff-files
            // does not refresh: without this it reports them as differing although their content is the base's.
            await context.Git.RunAsync(Run("update-index", "-q", "--refresh"), cancellationToken);
            var remaining = await context.Git.RunCheckedAsync(Run("diff-files", "--name-only", "-z"), "checking the reused worktree", cancellationToken);
            if (remaining.Stdout.Length > 0)
            {
                throw new WorkspaceException("the reused worktree still differs from its base after restoring");
            }
            var admin = WorkspaceContext.AdminName(path, Path.GetFileName(path));
            File.Copy(index, Path.Combine(mirror, "worktrees", admin, "index"), overwrite: true);
        }
        finally
        {
            WorkspaceContext.DeleteIndex(index);
        }
    }

    /// <summary>git restores content and the executable bit; setuid, setgid and sticky bits the agent set must go too.</summary>
    private static void ClearSpecialModes(string root)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }
        const UnixFileMode Special = UnixFileMode.SetUser | UnixFileMode.SetGroup | UnixFileMode.StickyBit;
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = true };
        foreach (var entry in new DirectoryInfo(root).EnumerateFileSystemInfos("*", options))
        {
            if (entry.LinkTarget is null && (entry.UnixFileMode & Special) != 0)
            {
                File.SetUnixFileMode(entry.FullName, entry.UnixFileMode & ~Special);
            }
        }
    }

    /// <summary>Parked folders whose mirror is gone, or that waited longer than the abandoned-worktree retention.</summary>
    public int CollectParked()
    {
        if (!Directory.Exists(context.Layout.Parked))
        {
            return 0;
        }
        var removed = 0;
        var now = context.Time.GetUtcNow().ToUnixTimeSeconds();
        foreach (var pool in Directory.EnumerateDirectories(context.Layout.Parked))
        {
            var mirrorGone = !Directory.Exists(context.Layout.Mirror(Path.GetFileName(pool)));
            foreach (var folder in Directory.EnumerateDirectories(pool))
            {
                var name = Path.GetFileName(folder);
                var dash = name.IndexOf('-', StringComparison.Ordinal);
                var stale = dash <= 0
                    || !long.TryParse(name[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out var parkedAt)
                    || now - parkedAt >= (long)context.Options.AbandonedWorktreeRetention.TotalSeconds;
                if (mirrorGone || stale)
                {
                    FileTrees.Delete(folder);
                    removed++;
                }
            }
        }
        return removed;
    }

    [LoggerMessage(EventId = 4110, Level = LogLevel.Warning, Message = "reusing a parked worktree at {Path} failed ({Reason}); checking out afresh")]
    private static partial void LogAdoptFailed(ILogger logger, string path, string reason);
}
