using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using Nightshift.Core.Configuration;
using Nightshift.Core.Errors;
using Nightshift.Workspaces.Files;
using Nightshift.Workspaces.Git;
using Nightshift.Workspaces.Repositories;

namespace Nightshift.Workspaces.Internal;

/// <summary>
/// What task worktrees, the worktree pool and subtask worktrees share: the folders under the data folder, the git
/// runner with our own configuration, the options and clock, and the steps every one of them takes on a mirror
/// (putting its config back, building a tree from a worktree on a private index, committing with plumbing).
/// </summary>
internal sealed partial class WorkspaceContext
{
    public const string RemoteRefs = "refs/remotes/origin/";

    public const int MaxMessageLength = 64 * 1024;

    /// <summary>Ours is under 100 bytes; anything much larger is not ours and is not read whole.</summary>
    private const int MaxMirrorConfigBytes = 64 * 1024;

    private static readonly string CanonicalMirrorConfig =
        "[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = true\n[gc]\n\tauto = 0\n";

    public WorkspaceContext(RepositoryPolicy policy, WorkspaceOptions options, TimeProvider time, ILogger logger)
    {
        Policy = policy;
        Options = options;
        Time = time;
        Logger = logger;
        Layout = new WorkspaceLayout(NightshiftPaths.ResolveDataDirectory(options.DataDirectory));
        Git = new GitRunner(options.GitExecutable, new GitHome(Layout.GitRoot, options.SshKnownHostsFile), options.GitTimeout, logger);
    }

    public RepositoryPolicy Policy { get; }

    public WorkspaceOptions Options { get; }

    public TimeProvider Time { get; }

    public ILogger Logger { get; }

    public WorkspaceLayout Layout { get; }

    public GitRunner Git { get; }

    /// <summary>
    /// Whether the mirror's config is exactly ours, read through the safe reader: a FIFO, a device, a link or an
    /// oversized file put there is simply not ours (and is replaced) rather than something that blocks or fills memory.
    /// </summary>
    private static bool IsCanonicalConfig(string mirror)
    {
        try
        {
            var content = RepoFiles.Read(mirror, "config", MaxMirrorConfigBytes);
            return !content.Truncated && Encoding.UTF8.GetString(content.Bytes) == CanonicalMirrorConfig;
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>Command-line configuration for git commands that write a checkout.</summary>
    public string[] CheckoutConfig =>
        ["-c", "checkout.workers=" + (Options.CheckoutWorkers > 0 ? Options.CheckoutWorkers : Environment.ProcessorCount).ToString(CultureInfo.InvariantCulture)];

    /// <summary>
    /// Puts back our own config and removes files that would redirect git (commondir, alternates), in case anything
    /// reached the mirror. git always reads the repository's config file, so it must be one we wrote.
    /// </summary>
    public void SanitizeMirror(string mirror, bool fresh = false)
    {
        var config = Path.Combine(mirror, "config");
        if (!IsCanonicalConfig(mirror))
        {
            if (!fresh)
            {
                LogMirrorConfigRestored(Logger, mirror);
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

    /// <summary>A git command that talks to the repository's remote, with the credentials only in its environment.</summary>
    public GitInvocation Remote(RepositoryRef repository, string mirror, CredentialSetup secrets, List<string> arguments) =>
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
    public string LocalRemoteProgram(string program) =>
        $"{GitRunner.ShellQuote(Options.GitExecutable)} -c core.hooksPath=/dev/null -c core.fsmonitor=false -c core.alternateRefsCommand=true {program}";

    /// <summary>The branch the remote's HEAD points to, or null.</summary>
    public async Task<string?> RemoteHeadAsync(RepositoryRef repository, string mirror, CredentialSetup secrets, CancellationToken cancellationToken)
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

    /// <summary>The name of the worktree's git folder in the mirror, read from its <c>.git</c> file, or <paramref name="fallback"/>.</summary>
    public static string AdminName(string worktreePath, string fallback)
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

    /// <summary>The record of the task's active workspace; refuses one that was never prepared or is released.</summary>
    public WorkspaceRecord RequireRecord(string? taskId)
    {
        var record = taskId is not null && Names.IsValidTaskId(taskId) ? Layout.ReadRecord(taskId) : null;
        if (record is null || record.ReleasedAt is not null)
        {
            throw new WorkspaceException($"task {RepositoryPolicy.Shown(taskId ?? "")} has no active workspace; prepare it first");
        }
        return record;
    }

    /// <summary>A private index holding the worktree's current files, starting from <paramref name="treeish"/> so only changes are re-read.</summary>
    public async Task<string> BuildIndexAsync(WorkspaceRecord record, string mirror, string treeish, CancellationToken cancellationToken)
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
    public static void RefreshWorktreeIndex(string mirror, WorkspaceRecord record, string index)
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

    public static void DeleteIndex(string index)
    {
        File.Delete(index);
        File.Delete(index + ".lock");
    }

    /// <summary>The worktree's change against its base commit as a unified diff, new and deleted files included (committed or not).</summary>
    public async Task<string> DiffAsync(WorkspaceRecord record, CancellationToken cancellationToken)
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

    /// <summary>The request's author, or the configured one; refused when it could not be written into a commit.</summary>
    public CommitAuthor AuthorOf(CommitRequest request)
    {
        var author = request.Author ?? new CommitAuthor(Options.AuthorName, Options.AuthorEmail);
        static bool Bad(string? value) => string.IsNullOrWhiteSpace(value) || value.Length > 200 || value.Any(c => char.IsControl(c) || c is '<' or '>');
        if (Bad(author.Name) || Bad(author.Email))
        {
            throw new ValidationException("author", "author name and e-mail must be non-empty, at most 200 characters, without '<', '>' or control characters");
        }
        return author;
    }

    /// <summary>The commit message with its <c>Nightshift-Task</c> trailer.</summary>
    public static string ComposeMessage(CommitRequest request, string workspaceTaskId)
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

    public async Task<string> CommitTreeAsync(string mirror, string tree, IReadOnlyList<string> parents, string message, CommitAuthor author, string what, CancellationToken cancellationToken)
    {
        var date = string.Create(CultureInfo.InvariantCulture, $"@{Time.GetUtcNow().ToUnixTimeSeconds()} +0000");
        var identity = new Dictionary<string, string>
        {
            ["GIT_AUTHOR_NAME"] = author.Name,
            ["GIT_AUTHOR_EMAIL"] = author.Email,
            ["GIT_AUTHOR_DATE"] = date,
            ["GIT_COMMITTER_NAME"] = author.Name,
            ["GIT_COMMITTER_EMAIL"] = author.Email,
            ["GIT_COMMITTER_DATE"] = date,
        };
        List<string> arguments = ["commit-tree", tree];
        foreach (var parent in parents)
        {
            arguments.AddRange(["-p", parent]);
        }
        arguments.AddRange(["-F", "-"]);
        return (await Git.RunCheckedAsync(new GitInvocation(arguments) { GitDir = mirror, StandardInput = message, Environment = identity }, what, cancellationToken)).Stdout.Trim();
    }

    public async Task<string> WriteTreeAsync(string mirror, string index, string path, CancellationToken cancellationToken) =>
        (await Git.RunCheckedAsync(new GitInvocation(["write-tree"]) { GitDir = mirror, IndexFile = index }, $"recording the tree of {path}", cancellationToken)).Stdout.Trim();

    public async Task<string> TreeOfAsync(string mirror, string commit, CancellationToken cancellationToken) =>
        (await Git.RunCheckedAsync(new GitInvocation(["rev-parse", "--verify", "--end-of-options", commit + "^{tree}"]) { GitDir = mirror }, "reading a commit's tree", cancellationToken)).Stdout.Trim();

    public async Task<IReadOnlyList<string>> ChangedPathsAsync(string mirror, string from, string to, CancellationToken cancellationToken)
    {
        var changed = await Git.RunCheckedAsync(
            new GitInvocation(["diff-tree", "-r", "-z", "--name-only", "--no-renames", "--no-commit-id", from, to]) { GitDir = mirror },
            "listing the committed changes",
            cancellationToken);
        return changed.Stdout.Split('\0', StringSplitOptions.RemoveEmptyEntries);
    }

    public static bool IsObjectId(string? value) =>
        value is { Length: 40 or 64 } && value.All(char.IsAsciiHexDigitLower);

    [LoggerMessage(EventId = 4104, Level = LogLevel.Warning, Message = "the config of mirror {Mirror} had been changed; it was restored to Nightshift's own")]
    private static partial void LogMirrorConfigRestored(ILogger logger, string mirror);
}
