using System.Text;
using Microsoft.Extensions.Logging;
using Nightshift.Core.Errors;
using Nightshift.Workspaces.Files;
using Nightshift.Workspaces.Git;
using Nightshift.Workspaces.Internal;
using Nightshift.Workspaces.Repositories;
using Nightshift.Workspaces.Subtasks;

namespace Nightshift.Workspaces;

/// <summary>
/// Gives every task its own git worktree on a new branch, from a bare mirror per repository that is fetched, not
/// cloned again. The repository is treated as hostile: after preparation everything in the worktree, including its
/// <c>.git</c>, is the agent's, so host-side git always runs against our mirror with our configuration and builds
/// commits from the worktree's files with plumbing on a private index.
/// </summary>
public sealed partial class TaskWorkspaces : ITaskWorkspaces
{
    private readonly WorkspaceContext _context;
    private readonly WorktreePool _pool;
    private readonly SubtaskWorkspaces _subtasks;

    internal TaskWorkspaces(WorkspaceContext context, WorktreePool pool, SubtaskWorkspaces subtasks)
    {
        _context = context;
        _pool = pool;
        _subtasks = subtasks;
    }

    private WorkspaceLayout Layout => _context.Layout;

    private GitRunner Git => _context.Git;

    private WorkspaceOptions Options => _context.Options;

    private TimeProvider Time => _context.Time;

    private ILogger Logger => _context.Logger;

    /// <summary>
    /// Fetches the repository into its mirror (creating it on first use) and adds a worktree for the task on a new
    /// branch <c>nightshift/&lt;short-id&gt;-&lt;slug&gt;</c> from the base branch. Preparing a task whose worktree
    /// still exists returns that worktree unchanged, so a resumed task keeps its work. A spare worktree
    /// (<see cref="WorkspaceOptions.SpareWorktrees"/>) is taken when one is ready, and another is made in the background.
    /// </summary>
    public async Task<Workspace> PrepareAsync(WorkspaceRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!Names.IsValidTaskId(request.TaskId))
        {
            throw new ValidationException("taskId", $"'{RepositoryPolicy.Shown(request.TaskId ?? "")}' is not a task id: use 1 to 64 letters, digits, '-' or '_', starting with a letter or digit");
        }
        if (request.BaseBranch is not null && Names.BranchProblem(request.BaseBranch) is { } problem)
        {
            throw new ValidationException("baseBranch", $"'{RepositoryPolicy.Shown(request.BaseBranch)}' is not a valid branch name: it {problem}");
        }
        if (request.ContinueBranch is not null && Names.BranchProblem(request.ContinueBranch) is { } continueProblem)
        {
            throw new ValidationException("continueBranch", $"'{RepositoryPolicy.Shown(request.ContinueBranch)}' is not a valid branch name to continue: it {continueProblem}; the earlier task's record is damaged, so ask for a new task instead of a follow-up");
        }
        var repository = _context.Policy.Resolve(request.Repository);
        Layout.EnsureCreated();

        var existing = Layout.ReadRecord(request.TaskId);
        if (existing is { ReleasedAt: null } && existing.Key == repository.Key && Directory.Exists(existing.Path))
        {
            Layout.WriteRecord(existing with { LastUsedAt = Time.GetUtcNow() });
            LogResumed(Logger, request.TaskId, existing.Path);
            return existing.ToWorkspace();
        }
        if (existing is not null)
        {
            await RemoveAsync(existing, cancellationToken: cancellationToken);
        }

        var started = Time.GetTimestamp();
        var secrets = CredentialSetup.From(request.Credentials);
        WorkspaceRecord record;
        await using (await RepositoryLocks.AcquireAsync(Layout.MirrorLock(repository.Key), Time, cancellationToken))
        {
            // Asking the remote for its default branch needs no mirror content, so on a warm mirror it runs beside the
            // fetch instead of after it: one round trip to the remote instead of two.
            // The mirror's config is put back first: git reads it for the question too.
            var mirrorPath = Layout.Mirror(repository.Key);
            Task<string>? remoteHead = null;
            if (request.BaseBranch is null && Directory.Exists(mirrorPath))
            {
                _context.SanitizeMirror(mirrorPath);
                remoteHead = RemoteHeadBranchAsync(repository, mirrorPath, secrets, cancellationToken);
            }
            string mirror;
            try
            {
                mirror = await EnsureMirrorAsync(repository, secrets, cancellationToken);
            }
            catch
            {
                if (remoteHead is not null)
                {
                    await ObserveAsync(remoteHead);
                }
                throw;
            }
            var baseBranch = request.BaseBranch
                ?? await (remoteHead ?? RemoteHeadBranchAsync(repository, mirror, secrets, cancellationToken));
            var continued = request.ContinueBranch;
            var baseCommit = continued is null
                ? await ResolveBaseAsync(repository, mirror, baseBranch, cancellationToken)
                : await ResolveContinuedAsync(repository, mirror, continued, request.CreateIfMissing ? baseBranch : null, cancellationToken);
            var branch = continued is null ? Names.TaskBranch(request.TaskId, request.Title)
                : request.CreateIfMissing ? Names.StepBranch(request.TaskId) : Names.FollowUpBranch(request.TaskId);
            var path = Layout.Worktree(request.TaskId);

            // Leftovers of an attempt that crashed before its record was written.
            var leftoverAdmin = Path.Combine(mirror, "worktrees", request.TaskId);
            if (Path.Exists(path) || Path.Exists(leftoverAdmin))
            {
                FileTrees.Delete(path);
                FileTrees.Delete(leftoverAdmin);
                await Git.RunAsync(new GitInvocation(["worktree", "prune"]) { GitDir = mirror }, cancellationToken);
            }

            // A spare is a clean checkout of our own, so it is preferred to a parked folder an agent has used.
            // A follow-up's branch head is no base other tasks start from, so it takes a fresh checkout.
            if (continued is not null || (!await _pool.TryTakeSpareAsync(mirror, repository.Key, path, branch, baseCommit, cancellationToken)
                && !await _pool.TryAdoptParkedAsync(mirror, repository.Key, path, branch, baseCommit, cancellationToken)))
            {
                await Git.RunCheckedAsync(
                    new GitInvocation([.. _context.CheckoutConfig, "worktree", "add", "--quiet", "--no-track", "-B", branch, "--", path, baseCommit]) { GitDir = mirror },
                    $"checking out '{repository}' at {baseBranch} into {path}",
                    cancellationToken);
            }
            var now = Time.GetUtcNow();
            record = new WorkspaceRecord(request.TaskId, repository.Kind, repository.Location, repository.Key, path, WorkspaceContext.AdminName(path, request.TaskId), branch, baseBranch, baseCommit, now)
            {
                LastUsedAt = now,
                PushBranch = continued,
                CreateIfMissing = continued is not null && request.CreateIfMissing,
            };
            Layout.WriteRecord(record);
            TouchMirror(repository.Key);
        }
        // Outside the lock: the job takes it itself, after this task's checkout is done.
        if (record.PushBranch is null)
        {
            _pool.RequestSpares(repository, record.BaseCommit);
        }
        LogPrepared(Logger, request.TaskId, repository.Location, record.RemoteBranch, record.BaseCommit, Time.GetElapsedTime(started).TotalMilliseconds);
        return record.ToWorkspace();
    }

    // A failure of the fetch is the one to report; the question running beside it only has to finish first.
    private static async Task ObserveAsync(Task task)
    {
        try
        {
            await task;
        }
#pragma warning disable CA1031 // Deliberately swallowed: the caller rethrows the fetch's own failure.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    private async Task<string> EnsureMirrorAsync(RepositoryRef repository, CredentialSetup secrets, CancellationToken cancellationToken)
    {
        var mirror = Layout.Mirror(repository.Key);
        if (Directory.Exists(mirror))
        {
            _context.SanitizeMirror(mirror);
            await FetchAsync(repository, mirror, secrets, cancellationToken);
            return mirror;
        }

        // Built aside and moved into place, so a failed first fetch never leaves a half-made mirror behind.
        var building = Path.Combine(Layout.Mirrors, $".building-{repository.Key}-{Guid.NewGuid():N}.git");
        try
        {
            await Git.RunCheckedAsync(new GitInvocation(["init", "--quiet", "--bare", "--template="]) { GitDir = building }, $"creating the mirror of '{repository}'", cancellationToken);
            _context.SanitizeMirror(building, fresh: true);
            await FetchAsync(repository, building, secrets, cancellationToken);
            Directory.Move(building, mirror);
            LogMirrorCreated(Logger, repository.Location, mirror);
            return mirror;
        }
        finally
        {
            FileTrees.Delete(building);
        }
    }

    private async Task FetchAsync(RepositoryRef repository, string mirror, CredentialSetup secrets, CancellationToken cancellationToken)
    {
        List<string> arguments = ["fetch", "--quiet", "--no-tags", "--prune", "--no-recurse-submodules", "--no-write-fetch-head"];
        if (repository.IsLocal)
        {
            arguments.Add("--upload-pack=" + _context.LocalRemoteProgram("upload-pack"));
        }
        arguments.AddRange(["--", repository.Location, "+refs/heads/*:" + WorkspaceContext.RemoteRefs + "*"]);
        var result = await Git.RunAsync(_context.Remote(repository, mirror, secrets, arguments), cancellationToken);
        if (!result.Succeeded)
        {
            throw new WorkspaceException($"fetching '{repository}' failed: {result.Explanation()}; check that the repository exists and that the worker may read it");
        }
    }

    private async Task<string> RemoteHeadBranchAsync(RepositoryRef repository, string mirror, CredentialSetup secrets, CancellationToken cancellationToken)
    {
        var head = await _context.RemoteHeadAsync(repository, mirror, secrets, cancellationToken);
        if (head is null)
        {
            throw new WorkspaceException($"cannot tell the default branch of '{repository}' (its HEAD names no branch, or it has no commits); give a base branch");
        }
        return head;
    }

    private async Task<string> ResolveBaseAsync(RepositoryRef repository, string mirror, string baseBranch, CancellationToken cancellationToken)
    {
        var result = await Git.RunAsync(new GitInvocation(["rev-parse", "--verify", "--quiet", "--end-of-options", WorkspaceContext.RemoteRefs + baseBranch + "^{commit}"]) { GitDir = mirror }, cancellationToken);
        if (result.Succeeded)
        {
            return result.Stdout.Trim();
        }
        var list = await Git.RunAsync(new GitInvocation(["for-each-ref", "--count=10", "--format=%(refname:lstrip=3)", WorkspaceContext.RemoteRefs]) { GitDir = mirror }, cancellationToken);
        var names = list.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var known = names.Length == 0 ? "it has no branches" : "it has " + string.Join(", ", names.Select(n => RepositoryPolicy.Shown(n)));
        throw new WorkspaceException($"base branch '{RepositoryPolicy.Shown(baseBranch)}' does not exist in '{repository}' ({known}); give an existing branch");
    }

    /// <summary>
    /// The continued branch's head as the remote holds it now: the parent's (or earlier steps') commits and whatever
    /// people pushed on top. When the remote has no such branch and <paramref name="createFrom"/> is given, the head of
    /// that base branch: the first push creates the branch.
    /// </summary>
    private async Task<string> ResolveContinuedAsync(RepositoryRef repository, string mirror, string branch, string? createFrom, CancellationToken cancellationToken)
    {
        var result = await Git.RunAsync(new GitInvocation(["rev-parse", "--verify", "--quiet", "--end-of-options", WorkspaceContext.RemoteRefs + branch + "^{commit}"]) { GitDir = mirror }, cancellationToken);
        if (result.Succeeded)
        {
            return result.Stdout.Trim();
        }
        if (createFrom is not null)
        {
            LogBranchCreatedFromBase(Logger, branch, createFrom);
            return await ResolveBaseAsync(repository, mirror, createFrom, cancellationToken);
        }
        throw new WorkspaceException($"branch '{RepositoryPolicy.Shown(branch)}' no longer exists in '{repository}' (deleted, perhaps after its pull request was merged or closed), so there is nothing to follow up; ask for a new task instead");
    }

    private void TouchMirror(string key)
    {
        var used = Layout.MirrorUsed(key);
        File.WriteAllText(used, "");
        File.SetLastWriteTimeUtc(used, Time.GetUtcNow().UtcDateTime);
    }
}
