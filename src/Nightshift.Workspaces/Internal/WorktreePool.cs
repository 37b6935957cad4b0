using Nightshift.Workspaces.Git;
using Microsoft.Extensions.Logging;
using Nightshift.Workspaces.Repositories;

namespace Nightshift.Workspaces.Internal;

/// <summary>
/// The pool of checkouts a task's workspace can be made from instead of checking out afresh: spare worktrees and
/// parked ones (<c>WorktreePool.Parking.cs</c>).
/// Spare worktrees. Writing every file of a large checkout dominates preparing a workspace, so once a task's workspace
/// is prepared a background job checks out another worktree of the same repository (detached, at that task's base)
/// while the agent works. The next task on the repository takes it, moves it into place and switches it to its own
/// branch and base, which rewrites only the files that differ. A spare never leaves Nightshift's data folder before it
/// is taken and no agent has seen it, so unlike a parked worktree it needs no reconciliation; it is only checked to be
/// a whole worktree of our mirror.
/// </summary>
internal sealed partial class WorktreePool(WorkspaceContext context) : IAsyncDisposable, IDisposable
{
    private const string ReadySuffix = ".ready";

    // Files written in the same second as the index are stored "racily clean", and the next command that looks at
    // them (the switch, on the task's critical path) hashes them all again; refreshing the index once that second has
    // passed stores stat data git trusts.
    private static readonly TimeSpan RacyGitPause = TimeSpan.FromMilliseconds(1100);

    // A ready spare is replaced by the next task's anyway; one nobody took for a day only takes disk.
    private static readonly TimeSpan ReadySpareRetention = TimeSpan.FromDays(1);

    // A spare without its marker is inside its racy-git pause (seconds) or was interrupted by a crash. The collector
    // holds the mirror lock, which the checkout itself also holds, so it never sees one still being checked out.
    private static readonly TimeSpan HalfMadeSpareRetention = TimeSpan.FromMinutes(10);

    private readonly Lock _sparesGate = new();
    private readonly Dictionary<string, Task> _spareJobs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SpareRequest> _spareRequests = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private bool _disposed;

    // Validated as Workspaces:SpareWorktrees; clamped again for managers built without the options validator.
    private int SpareCount => Math.Clamp(context.Options.SpareWorktrees, 0, WorkspaceOptionsValidator.MaxSpareWorktrees);

    /// <summary>Completes once no spare job is running or queued: the benchmark times preparation with no spare being checked out beside it.</summary>
    public async Task WhenSparesSettledAsync()
    {
        while (true)
        {
            Task[] jobs;
            lock (_sparesGate)
            {
                jobs = [.. _spareJobs.Values];
            }
            if (jobs.Length == 0)
            {
                return;
            }
            await Task.WhenAll(jobs);
        }
    }

    /// <summary>Cancels the spare jobs and waits for them, so no git process outlives the manager.</summary>
    public async ValueTask DisposeAsync()
    {
        var (jobs, first) = StopSpareJobs();
        await Task.WhenAll(jobs);
        if (first)
        {
            _stopping.Dispose();
        }
    }

    /// <inheritdoc cref="DisposeAsync"/>
    public void Dispose()
    {
        var (jobs, first) = StopSpareJobs();
        // The jobs run on the thread pool and never need the caller's context, so blocking here cannot deadlock.
        Task.WaitAll(jobs);
        if (first)
        {
            _stopping.Dispose();
        }
    }

    private (Task[] Jobs, bool First) StopSpareJobs()
    {
        Task[] jobs;
        bool first;
        lock (_sparesGate)
        {
            first = !_disposed;
            _disposed = true;
            _spareRequests.Clear();
            jobs = [.. _spareJobs.Values];
        }
        if (first)
        {
            _stopping.Cancel();
        }
        return (jobs, first);
    }

    /// <summary>
    /// Asks for the repository's spares to be topped up, from <paramref name="commit"/>. One job per repository runs
    /// at a time; a request made while it runs is served when it finishes, from the latest commit asked for.
    /// </summary>
    public void RequestSpares(RepositoryRef repository, string commit)
    {
        if (SpareCount == 0)
        {
            return;
        }
        lock (_sparesGate)
        {
            if (_disposed)
            {
                return;
            }
            _spareRequests[repository.Key] = new SpareRequest(repository, commit);
            if (!_spareJobs.ContainsKey(repository.Key))
            {
                // Stored before the job can look: it takes this same gate to find its request.
                _spareJobs[repository.Key] = Task.Run(() => RunSpareJobAsync(repository.Key));
            }
        }
    }

    private async Task RunSpareJobAsync(string key)
    {
        while (true)
        {
            SpareRequest? request;
            lock (_sparesGate)
            {
                if (_disposed || !_spareRequests.Remove(key, out request))
                {
                    _spareJobs.Remove(key);
                    return;
                }
            }
            try
            {
                await TopUpSparesAsync(request.Repository, request.Commit, _stopping.Token);
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                // Shutting down; the next loop sees it and ends the job.
            }
#pragma warning disable CA1031 // A background job must never take the process down: a failed spare only means a slower next task.
            catch (Exception e)
#pragma warning restore CA1031
            {
                LogSpareFailed(context.Logger, request.Repository.Location, e);
            }
        }
    }

    private async Task TopUpSparesAsync(RepositoryRef repository, string commit, CancellationToken cancellationToken)
    {
        var key = repository.Key;
        var mirror = context.Layout.Mirror(key);
        while (true)
        {
            var name = Guid.NewGuid().ToString("N");
            var spare = context.Layout.Spare(key, name);
            try
            {
                // The lock is held only while git works on the mirror, so a spare never runs beside a fetch, a take or
                // an eviction; the agent's task is not waiting on it.
                await using (await RepositoryLocks.AcquireAsync(context.Layout.MirrorLock(key), context.Time, cancellationToken))
                {
                    if (!Directory.Exists(mirror))
                    {
                        return;
                    }
                    Directory.CreateDirectory(context.Layout.SparesFor(key));
                    if (Directory.EnumerateDirectories(context.Layout.SparesFor(key)).Count() >= SpareCount)
                    {
                        return;
                    }
                    context.SanitizeMirror(mirror);
                    await context.Git.RunCheckedAsync(
                        new GitInvocation([.. context.CheckoutConfig, "worktree", "add", "--detach", "--quiet", "--", spare, commit]) { GitDir = mirror },
                        $"checking out a spare worktree of '{repository}'",
                        cancellationToken);
                }

                await Task.Delay(RacyGitPause, context.Time, cancellationToken);

                await using (await RepositoryLocks.AcquireAsync(context.Layout.MirrorLock(key), context.Time, cancellationToken))
                {
                    // Evicted with its mirror, or collected, during the pause.
                    if (!Directory.Exists(mirror) || SpareAdmin(mirror, spare) is not { } admin)
                    {
                        DiscardSpare(mirror, key, name);
                        return;
                    }
                    context.SanitizeMirror(mirror);
                    // Exit code 1 would mean a file differs from the index, which the switch then rewrites anyway.
                    await context.Git.RunAsync(new GitInvocation(["update-index", "-q", "--refresh"]) { GitDir = admin, WorkTree = spare, WorkingDirectory = spare }, cancellationToken);
                    var ready = context.Layout.SpareReady(key, name);
                    var temp = ready + ".tmp";
                    await File.WriteAllTextAsync(temp, commit + "\n", cancellationToken);
                    File.SetLastWriteTimeUtc(temp, context.Time.GetUtcNow().UtcDateTime);
                    File.Move(temp, ready);
                }
                LogSpareReady(context.Logger, repository.Location, spare, commit);
            }
            catch
            {
                DiscardSpare(mirror, key, name);
                throw;
            }
        }
    }

    /// <summary>
    /// Takes a ready spare of <paramref name="key"/>, moves it to <paramref name="path"/> and switches it to
    /// <paramref name="branch"/> at <paramref name="baseCommit"/>. False (the caller checks out afresh) when none is
    /// ready or any step fails; a spare that failed is deleted. Runs under the mirror lock.
    /// </summary>
    public async Task<bool> TryTakeSpareAsync(string mirror, string key, string path, string branch, string baseCommit, CancellationToken cancellationToken)
    {
        if (SpareCount == 0 || TakeSpare(key) is not { } taken)
        {
            return false;
        }
        try
        {
            if (SpareAdmin(mirror, taken.Path) is null)
            {
                throw new WorkspaceException("it is not a whole worktree of the mirror");
            }
            await context.Git.RunCheckedAsync(new GitInvocation(["worktree", "move", "--", taken.Path, path]) { GitDir = mirror }, "moving the spare into place", cancellationToken);
            var admin = SpareAdmin(mirror, path) ?? throw new WorkspaceException("the moved spare no longer names its worktree folder in the mirror");
            // Run in the worktree's own git folder (its HEAD and index), which is ours: the spare's .git names it and
            // SpareAdmin checked that it leads back to the mirror. A two-way checkout touches only differing files.
            await context.Git.RunCheckedAsync(
                new GitInvocation([.. context.CheckoutConfig, "checkout", "--quiet", "--no-track", "-B", branch, baseCommit, "--"]) { GitDir = admin, WorkTree = path, WorkingDirectory = path },
                $"switching the spare to {branch}",
                cancellationToken);
            LogSpareTaken(context.Logger, Path.GetFileName(path), taken.Commit, baseCommit);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or WorkspaceException)
        {
            LogSpareTakeFailed(context.Logger, path, e.Message);
            var admin = SpareAdmin(mirror, path) ?? SpareAdmin(mirror, taken.Path);
            FileTrees.Delete(taken.Path);
            FileTrees.Delete(path);
            if (admin is not null)
            {
                FileTrees.Delete(admin);
            }
            await context.Git.RunAsync(new GitInvocation(["worktree", "prune"]) { GitDir = mirror }, cancellationToken);
            return false;
        }
        finally
        {
            File.Delete(taken.Marker);
        }
    }

    /// <summary>Claims the newest ready spare by renaming its marker: whoever's rename succeeds owns it.</summary>
    private TakenSpare? TakeSpare(string key)
    {
        var folder = context.Layout.SparesFor(key);
        if (!Directory.Exists(folder))
        {
            return null;
        }
        var markers = Directory.EnumerateFiles(folder, "*" + ReadySuffix).OrderByDescending(File.GetLastWriteTimeUtc).ToList();
        foreach (var ready in markers)
        {
            var name = Path.GetFileName(ready)[..^ReadySuffix.Length];
            var taken = context.Layout.SpareTaken(key, name);
            try
            {
                File.Move(ready, taken);
                return new TakenSpare(context.Layout.Spare(key, name), taken, File.ReadAllText(taken).Trim());
            }
            catch (IOException)
            {
                // Taken by someone else first, or collected.
            }
        }
        return null;
    }

    /// <summary>
    /// The spare's git folder in the mirror, or null unless <paramref name="worktree"/> is a real folder whose
    /// <c>.git</c> names a worktree folder of <paramref name="mirror"/> that leads back to it.
    /// </summary>
    private static string? SpareAdmin(string mirror, string worktree)
    {
        if (!Directory.Exists(worktree) || new DirectoryInfo(worktree).LinkTarget is not null)
        {
            return null;
        }
        var dotGit = new FileInfo(Path.Combine(worktree, ".git"));
        if (!dotGit.Exists || dotGit.LinkTarget is not null)
        {
            return null;
        }
        var name = WorkspaceContext.AdminName(worktree, "");
        if (!Names.IsValidTaskId(name))
        {
            return null;
        }
        var admin = Path.Combine(mirror, "worktrees", name);
        var commonDir = Path.Combine(admin, "commondir");
        // git run with GIT_DIR set to this folder reads its commondir; anything but the mirror would bring another
        // repository's config (filters, for one) into the switch.
        if (!Directory.Exists(admin) || new DirectoryInfo(admin).LinkTarget is not null
            || !File.Exists(commonDir) || File.ReadAllText(commonDir).Trim() != "../..")
        {
            return null;
        }
        return admin;
    }

    /// <summary>Deletes a spare, its markers and its git folder in the mirror; <c>worktree prune</c> is left to the caller.</summary>
    private void DiscardSpare(string mirror, string key, string name)
    {
        var spare = context.Layout.Spare(key, name);
        var admin = SpareAdmin(mirror, spare) ?? Path.Combine(mirror, "worktrees", name);
        FileTrees.Delete(spare);
        FileTrees.Delete(admin);
        File.Delete(context.Layout.SpareReady(key, name));
        File.Delete(context.Layout.SpareTaken(key, name));
    }

    /// <summary>
    /// Spares whose mirror is gone, ready ones nobody took within a day, half-made ones (a crash interrupted them) and
    /// markers left without their folder; git's bookkeeping of them goes too.
    /// </summary>
    public async Task<int> CollectSparesAsync(CancellationToken cancellationToken = default)
    {
        if (!Directory.Exists(context.Layout.Spares))
        {
            return 0;
        }
        var removed = 0;
        var now = context.Time.GetUtcNow();
        TimeSpan Age(DateTime writtenUtc) => now - new DateTimeOffset(writtenUtc, TimeSpan.Zero);
        foreach (var folder in Directory.EnumerateDirectories(context.Layout.Spares))
        {
            var key = Path.GetFileName(folder);
            var mirror = context.Layout.Mirror(key);
            await using (await RepositoryLocks.AcquireAsync(context.Layout.MirrorLock(key), context.Time, cancellationToken))
            {
                if (!Directory.Exists(mirror))
                {
                    removed += Directory.EnumerateDirectories(folder).Count();
                    FileTrees.Delete(folder);
                    continue;
                }
                var discarded = false;
                foreach (var spare in Directory.EnumerateDirectories(folder))
                {
                    var name = Path.GetFileName(spare);
                    var ready = context.Layout.SpareReady(key, name);
                    var stale = File.Exists(ready)
                        ? Age(File.GetLastWriteTimeUtc(ready)) >= ReadySpareRetention
                        : Age(Directory.GetLastWriteTimeUtc(spare)) >= HalfMadeSpareRetention;
                    if (stale)
                    {
                        DiscardSpare(mirror, key, name);
                        removed++;
                        discarded = true;
                    }
                }
                foreach (var marker in Directory.EnumerateFiles(folder))
                {
                    if (!Directory.Exists(context.Layout.Spare(key, Path.GetFileNameWithoutExtension(marker))) && Age(File.GetLastWriteTimeUtc(marker)) >= HalfMadeSpareRetention)
                    {
                        File.Delete(marker);
                    }
                }
                if (discarded)
                {
                    await context.Git.RunAsync(new GitInvocation(["worktree", "prune"]) { GitDir = mirror }, cancellationToken);
                }
            }
        }
        return removed;
    }

    [LoggerMessage(EventId = 4111, Level = LogLevel.Information, Message = "workspace for task {TaskId} made from a spare worktree checked out at {SpareCommit}, switched to {BaseCommit}")]
    private static partial void LogSpareTaken(ILogger logger, string taskId, string spareCommit, string baseCommit);

    [LoggerMessage(EventId = 4112, Level = LogLevel.Warning, Message = "taking a spare worktree for {Path} failed ({Reason}); it was deleted and the worktree is checked out afresh")]
    private static partial void LogSpareTakeFailed(ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 4113, Level = LogLevel.Warning, Message = "making a spare worktree of {Repository} failed; the next task on it checks out afresh")]
    private static partial void LogSpareFailed(ILogger logger, string repository, Exception exception);

    [LoggerMessage(EventId = 4114, Level = LogLevel.Debug, Message = "spare worktree of {Repository} ready at {Path} ({Commit})")]
    private static partial void LogSpareReady(ILogger logger, string repository, string path, string commit);

    private sealed record SpareRequest(RepositoryRef Repository, string Commit);

    private sealed record TakenSpare(string Path, string Marker, string Commit);
}
