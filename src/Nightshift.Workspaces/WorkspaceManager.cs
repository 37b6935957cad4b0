using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nightshift.Core.Configuration;
using Nightshift.Core.Errors;
using Nightshift.Workspaces.Files;
using Nightshift.Workspaces.Git;
using Nightshift.Workspaces.Internal;
using Nightshift.Workspaces.Repositories;

namespace Nightshift.Workspaces;

/// <summary>
/// Gives every task its own git worktree on a new branch, from a bare mirror per repository that is fetched, not
/// cloned again. The repository is treated as hostile: after preparation everything in the worktree, including its
/// <c>.git</c>, is the agent's, so host-side git always runs against our mirror with our configuration and builds
/// commits from the worktree's files with plumbing on a private index.
/// </summary>
public sealed partial class WorkspaceManager
{
    private const string RemoteRefs = "refs/remotes/origin/";

    private static readonly string CanonicalMirrorConfig =
        "[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = true\n[gc]\n\tauto = 0\n";

    private readonly RepositoryPolicy _policy;
    private readonly WorkspaceOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<WorkspaceManager> _logger;

    public WorkspaceManager(RepositoryPolicy policy, IOptions<WorkspaceOptions> options, TimeProvider timeProvider, ILogger<WorkspaceManager> logger)
    {
        _policy = policy;
        _options = options.Value;
        _time = timeProvider;
        _logger = logger;
        Layout = new WorkspaceLayout(NightshiftPaths.ResolveDataDirectory(_options.DataDirectory));
        Git = new GitRunner(_options.GitExecutable, new GitHome(Layout.GitRoot, _options.SshKnownHostsFile), _options.GitTimeout, logger);
    }

    internal WorkspaceLayout Layout { get; }

    internal GitRunner Git { get; }

    internal WorkspaceOptions Options => _options;

    internal TimeProvider Time => _time;

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
        var repository = _policy.Resolve(request.Repository);
        Layout.EnsureCreated();

        var existing = Layout.ReadRecord(request.TaskId);
        if (existing is { ReleasedAt: null } && existing.Key == repository.Key && Directory.Exists(existing.Path))
        {
            Layout.WriteRecord(existing with { LastUsedAt = _time.GetUtcNow() });
            LogResumed(_logger, request.TaskId, existing.Path);
            return existing.ToWorkspace();
        }
        if (existing is not null)
        {
            await RemoveAsync(existing, cancellationToken: cancellationToken);
        }

        var started = _time.GetTimestamp();
        var secrets = CredentialEnvironment(request.Credentials);
        WorkspaceRecord record;
        await using (await RepositoryLocks.AcquireAsync(Layout.MirrorLock(repository.Key), _time, cancellationToken))
        {
            // Asking the remote for its default branch needs no mirror content, so on a warm mirror it runs beside the
            // fetch instead of after it: one round trip to the remote instead of two.
            // The mirror's config is put back first: git reads it for the question too.
            var mirrorPath = Layout.Mirror(repository.Key);
            Task<string>? remoteHead = null;
            if (request.BaseBranch is null && Directory.Exists(mirrorPath))
            {
                SanitizeMirror(mirrorPath);
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
            var baseCommit = await ResolveBaseAsync(repository, mirror, baseBranch, cancellationToken);
            var branch = Names.TaskBranch(request.TaskId, request.Title);
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
            if (!await TryTakeSpareAsync(mirror, repository.Key, path, branch, baseCommit, cancellationToken)
                && !await TryAdoptParkedAsync(mirror, repository.Key, path, branch, baseCommit, cancellationToken))
            {
                await Git.RunCheckedAsync(
                    new GitInvocation([.. CheckoutConfig, "worktree", "add", "--quiet", "--no-track", "-B", branch, "--", path, baseCommit]) { GitDir = mirror },
                    $"checking out '{repository}' at {baseBranch} into {path}",
                    cancellationToken);
            }
            var now = _time.GetUtcNow();
            record = new WorkspaceRecord(request.TaskId, repository.Kind, repository.Location, repository.Key, path, AdminName(path, request.TaskId), branch, baseBranch, baseCommit, now)
            {
                LastUsedAt = now,
            };
            Layout.WriteRecord(record);
            TouchMirror(repository.Key);
        }
        // Outside the lock: the job takes it itself, after this task's checkout is done.
        RequestSpares(repository, record.BaseCommit);
        LogPrepared(_logger, request.TaskId, repository.Location, record.Branch, record.BaseCommit, _time.GetElapsedTime(started).TotalMilliseconds);
        return record.ToWorkspace();
    }

    /// <summary>Command-line configuration for git commands that write a checkout.</summary>
    internal string[] CheckoutConfig =>
        ["-c", "checkout.workers=" + (_options.CheckoutWorkers > 0 ? _options.CheckoutWorkers : Environment.ProcessorCount).ToString(System.Globalization.CultureInfo.InvariantCulture)];

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
            SanitizeMirror(mirror);
            await FetchAsync(repository, mirror, secrets, cancellationToken);
            return mirror;
        }

        // Built aside and moved into place, so a failed first fetch never leaves a half-made mirror behind.
        var building = Path.Combine(Layout.Mirrors, $".building-{repository.Key}-{Guid.NewGuid():N}.git");
        try
        {
            await Git.RunCheckedAsync(new GitInvocation(["init", "--quiet", "--bare", "--template="]) { GitDir = building }, $"creating the mirror of '{repository}'", cancellationToken);
            SanitizeMirror(building, fresh: true);
            await FetchAsync(repository, building, secrets, cancellationToken);
            Directory.Move(building, mirror);
            LogMirrorCreated(_logger, repository.Location, mirror);
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
            arguments.Add("--upload-pack=" + LocalRemoteProgram("upload-pack"));
        }
        arguments.AddRange(["--", repository.Location, "+refs/heads/*:" + RemoteRefs + "*"]);
        var result = await Git.RunAsync(Remote(repository, mirror, secrets, arguments), cancellationToken);
        if (!result.Succeeded)
        {
            throw new WorkspaceException($"fetching '{repository}' failed: {result.Explanation()}; check that the repository exists and that the worker may read it");
        }
    }

    private async Task<string> RemoteHeadBranchAsync(RepositoryRef repository, string mirror, CredentialSetup secrets, CancellationToken cancellationToken)
    {
        var head = await RemoteHeadAsync(repository, mirror, secrets, cancellationToken);
        if (head is null)
        {
            throw new WorkspaceException($"cannot tell the default branch of '{repository}' (its HEAD names no branch, or it has no commits); give a base branch");
        }
        return head;
    }

    /// <summary>The branch the remote's HEAD points to, or null.</summary>
    private async Task<string?> RemoteHeadAsync(RepositoryRef repository, string mirror, CredentialSetup secrets, CancellationToken cancellationToken)
    {
        List<string> arguments = ["ls-remote", "--symref"];
        if (repository.IsLocal)
        {
            arguments.Add("--upload-pack=" + LocalRemoteProgram("upload-pack"));
        }
        arguments.AddRange(["--", repository.Location, "HEAD"]);
        var result = await Git.RunAsync(Remote(repository, mirror, secrets, arguments), cancellationToken);
        if (!result.Succeeded)
        {
            throw new WorkspaceException($"asking '{repository}' for its default branch failed: {result.Explanation()}");
        }
        foreach (var line in result.Stdout.Split('\n'))
        {
            const string Prefix = "ref: refs/heads/";
            if (line.StartsWith(Prefix, StringComparison.Ordinal) && line.EndsWith("\tHEAD", StringComparison.Ordinal))
            {
                var name = line[Prefix.Length..^"\tHEAD".Length];
                return Names.BranchProblem(name) is null ? name : null;
            }
        }
        return null;
    }

    private async Task<string> ResolveBaseAsync(RepositoryRef repository, string mirror, string baseBranch, CancellationToken cancellationToken)
    {
        var result = await Git.RunAsync(new GitInvocation(["rev-parse", "--verify", "--quiet", "--end-of-options", RemoteRefs + baseBranch + "^{commit}"]) { GitDir = mirror }, cancellationToken);
        if (result.Succeeded)
        {
            return result.Stdout.Trim();
        }
        var list = await Git.RunAsync(new GitInvocation(["for-each-ref", "--count=10", "--format=%(refname:lstrip=3)", RemoteRefs]) { GitDir = mirror }, cancellationToken);
        var names = list.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var known = names.Length == 0 ? "it has no branches" : "it has " + string.Join(", ", names.Select(n => RepositoryPolicy.Shown(n)));
        throw new WorkspaceException($"base branch '{RepositoryPolicy.Shown(baseBranch)}' does not exist in '{repository}' ({known}); give an existing branch");
    }

    /// <summary>
    /// Puts back our own config and removes files that would redirect git (commondir, alternates), in case anything
    /// reached the mirror. git always reads the repository's config file, so it must be one we wrote.
    /// </summary>
    internal void SanitizeMirror(string mirror, bool fresh = false)
    {
        var config = Path.Combine(mirror, "config");
        var current = File.Exists(config) ? File.ReadAllText(config) : null;
        if (current != CanonicalMirrorConfig)
        {
            if (!fresh)
            {
                LogMirrorConfigRestored(_logger, mirror);
            }
            var temp = config + ".tmp-" + Guid.NewGuid().ToString("N");
            File.WriteAllText(temp, CanonicalMirrorConfig);
            File.Move(temp, config, overwrite: true);
        }
        foreach (var redirect in new[] { "commondir", "config.worktree", Path.Combine("info", "attributes"), Path.Combine("objects", "info", "alternates"), Path.Combine("objects", "info", "http-alternates") })
        {
            var path = Path.Combine(mirror, redirect);
            if (File.Exists(path) || new FileInfo(path).LinkTarget is not null)
            {
                File.Delete(path);
            }
        }
    }

    private GitInvocation Remote(RepositoryRef repository, string mirror, CredentialSetup secrets, List<string> arguments) =>
        new(arguments)
        {
            GitDir = mirror,
            AllowFileProtocol = repository.IsLocal,
            AllowHttpProtocol = repository.Kind == RepositoryKind.Http,
            Environment = secrets.Environment,
            Secrets = secrets.Secrets,
        };

    /// <summary>
    /// For a local repository git starts upload-pack/receive-pack in that repository, where its own config and hooks
    /// would apply and our environment overrides are stripped; these settings are put back on its command line.
    /// </summary>
    private string LocalRemoteProgram(string program) =>
        $"{GitRunner.ShellQuote(_options.GitExecutable)} -c core.hooksPath=/dev/null -c core.fsmonitor=false -c core.alternateRefsCommand=true {program}";

    private static CredentialSetup CredentialEnvironment(PushCredentials? credentials)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        var secrets = new List<string>();
        if (credentials?.Token is { Length: > 0 } token)
        {
            environment["NIGHTSHIFT_GIT_USERNAME"] = credentials.Username ?? "x-access-token";
            environment["NIGHTSHIFT_GIT_PASSWORD"] = token;
            secrets.Add(token);
        }
        if (credentials?.SshKeyFile is { Length: > 0 } key)
        {
            environment["NIGHTSHIFT_SSH_KEY"] = key;
        }
        return new CredentialSetup(environment, secrets);
    }

    private static string AdminName(string worktreePath, string fallback)
    {
        // The worktree's .git file is worktree content: a command in the jail may have swapped it for a FIFO or a link.
        RepoFileContent content;
        try
        {
            content = RepoFiles.Read(worktreePath, ".git", 4_096);
        }
        catch (IOException)
        {
            return fallback;
        }
        var line = Encoding.UTF8.GetString(content.Bytes).Trim();
        return !content.Truncated && line.StartsWith("gitdir:", StringComparison.Ordinal)
            ? Path.GetFileName(line["gitdir:".Length..].Trim().TrimEnd('/'))
            : fallback;
    }

    private void TouchMirror(string key)
    {
        var used = Layout.MirrorUsed(key);
        File.WriteAllText(used, "");
        File.SetLastWriteTimeUtc(used, _time.GetUtcNow().UtcDateTime);
    }

    private sealed record CredentialSetup(IReadOnlyDictionary<string, string> Environment, IReadOnlyList<string> Secrets);
}
