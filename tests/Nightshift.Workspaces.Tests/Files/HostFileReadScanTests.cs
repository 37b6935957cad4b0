using System.Text.RegularExpressions;

namespace Nightshift.Workspaces.Tests.Files;

/// <summary>
/// Every host-side file read in src/ is either the safe reader (<c>Nightshift.Workspaces/Files</c>) or on the list
/// below, each entry naming why that file's reads are not repository content. A new File.Read…, stream, copy or
/// directory listing anywhere else fails this test: read worktree content through RepoFiles/RepoTree, or add the
/// file here with the honest reason (and the new count).
/// </summary>
public sealed partial class HostFileReadScanTests
{
    private const string SafeReader = "src/Nightshift.Workspaces/Files/";

    /// <summary>File (from the checkout root) → how many reads it holds, and why they are not worktree content.</summary>
    private static readonly Dictionary<string, (int Count, string Why)> Allowed = new(StringComparer.Ordinal)
    {
        ["src/Nightshift.Agent/Demo/DemoProject.cs"] = (1, "checks that the folder the operator named for the demo is empty before writing it"),
        ["src/Nightshift.Agent/Execution/DiskUsage.cs"] = (1, "sizes a task's worktree and cache for limits.task.disk from directory entries alone: reads no content, neither counts nor enters links"),
        ["src/Nightshift.Agent/RepoMap/RepoMapBuilder.cs"] = (2, "the repository map's own caches under <data>/repomap, written by the worker; damaged ones are rebuilt"),
        ["src/Nightshift.Cli/Api/SseReader.cs"] = (1, "a StreamReader over the HTTP response of our own server, not a file"),
        ["src/Nightshift.Cli/Api/NightshiftApiClient.Teams.cs"] = (1, "a StreamReader over the audit export, the HTTP response of our own server, not a file"),
        ["src/Nightshift.Cli/Commands/ApproveCommand.cs"] = (1, "the plan file the operator passes with --plan"),
        ["src/Nightshift.Cli/Commands/UpCommand.cs"] = (1, "the operator's token file"),
        ["src/Nightshift.Cli/Connection/ConnectionResolver.cs"] = (1, "the operator's token file, size-checked first"),
        ["src/Nightshift.Forges/Configuration/ForgeSecretFiles.cs"] = (1, "the operator's forge token and GitHub App key files (Forges:*:TokenFile, PrivateKeyFile): regular files, mode 600, size-checked"),
        ["src/Nightshift.Models/Recording/CassetteWriter.cs"] = (1, "writes (not reads) a cassette the operator asked to record"),
        ["src/Nightshift.Models/Replay/FileStatus.cs"] = (1, "opens a replay cassette from the operator's Models:ReplayDirectory (O_NOFOLLOW|O_NONBLOCK, regular files only, re-checked by inode), never a worktree"),
        ["src/Nightshift.Models/Replay/ReplayChatClient.cs"] = (1, "a replay cassette; where it may come from is the replay setting's business (issue 17 item 7), never a worktree"),
        ["src/Nightshift.Sandbox/Internal/CgroupJail.cs"] = (4, "cgroupfs and /proc files of the worker's own jails"),
        ["src/Nightshift.Sandbox/Internal/CgroupSupport.cs"] = (3, "/proc/self and cgroupfs of the worker process"),
        ["src/Nightshift.Sandbox/Internal/Descriptors.cs"] = (1, "lists /proc/self/fd of the worker process"),
        ["src/Nightshift.Sandbox/Internal/JailEtc.cs"] = (1, "the jail's /etc files the worker itself writes under <data>"),
        ["src/Nightshift.Sandbox/Network/Interception/EgressCertificateAuthority.cs"] = (4, "the egress CA's key and certificate the worker itself writes under Sandbox:Egress:CaFolder (and writes them), and the claim file of the one maker publishing a new CA"),
        ["src/Nightshift.Sandbox/Network/Interception/JailCaBundle.cs"] = (1, "the host's system CA bundle under /etc/ssl (or /etc/pki), to build the jail's"),
        ["src/Nightshift.Server/Auth/ApiTokenAuthority.cs"] = (4, "the server's token and hash files under <data>"),
        ["src/Nightshift.Server/Hosting/ServerInfoFile.cs"] = (1, "server.json the server itself writes under <data>"),
        ["src/Nightshift.Storage/Relational/Migration.cs"] = (1, "a StreamReader over an embedded migration resource"),
        ["src/Nightshift.Workspaces/Git/GitHome.cs"] = (1, "the worker's own askpass and ssh scripts under <data>/git-home"),
        ["src/Nightshift.Workspaces/Internal/FileTrees.cs"] = (2, "sizes and deletes folders under <data>; reads no content and enters no link"),
        ["src/Nightshift.Workspaces/Internal/RepositoryLocks.cs"] = (1, "lock files under <data>/locks"),
        ["src/Nightshift.Workspaces/Internal/WorkspaceContext.cs"] = (1, "copies the private index the worker built in its scratch folder"),
        ["src/Nightshift.Workspaces/Internal/WorkspaceLayout.cs"] = (2, "workspace records under <data>"),
        ["src/Nightshift.Workspaces/Internal/WorktreePool.cs"] = (8, "spare markers under <data> and the commondir file the worker wrote in the mirror"),
        ["src/Nightshift.Workspaces/Internal/WorktreePool.Parking.cs"] = (7, "lists parked worktree folders and moves their top-level entries without reading them (links skipped); clears setuid bits over a tree .NET walks without entering links; copies our own index"),
        ["src/Nightshift.Workspaces/SetupCache/SandboxImage.cs"] = (1, "the host's own /etc/os-release (size-checked), part of the setup cache's key; never a worktree"),
        ["src/Nightshift.Workspaces/SetupCache/SetupCacheStore.cs"] = (2, "entry.json files the worker writes under the setup cache folder (size-checked, links skipped), and the names (only) of the top-level entries of a cache part or the task's cache folder, each then copied by TreeCopy, which follows no link"),
        ["src/Nightshift.Workspaces/Subtasks/SubtaskStore.cs"] = (2, "subtask records under <data>"),
        ["src/Nightshift.Workspaces/Subtasks/SubtaskWorkspaces.cs"] = (2, "checks a subtask folder of <data> is empty; deletes nested .git folders of a subtask worktree without reading them or entering links"),
        ["src/Nightshift.Workspaces/WorkspaceCollector.cs"] = (2, "lists the worktrees and mirrors folders of <data>"),
    };

    [Fact]
    public void Source_HostSideFileReads_AreTheSafeReaderOrOnTheAllowList()
    {
        var root = CheckoutRoot();
        var found = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(Path.Combine(root, "src"), "*.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(root, file).Replace('\\', '/');
            if (relative.Contains("/obj/", StringComparison.Ordinal) || relative.Contains("/bin/", StringComparison.Ordinal) || relative.StartsWith(SafeReader, StringComparison.Ordinal))
            {
                continue;
            }
            var lineNumber = 0;
            foreach (var line in File.ReadLines(file))
            {
                lineNumber++;
                if (line.TrimStart().StartsWith("//", StringComparison.Ordinal))
                {
                    continue;
                }
                foreach (Match match in HostRead().Matches(line))
                {
                    if (!found.TryGetValue(relative, out var hits))
                    {
                        found[relative] = hits = [];
                    }
                    hits.Add($"{relative}:{lineNumber}: {match.Value}");
                }
            }
        }

        var problems = new List<string>();
        foreach (var (file, hits) in found.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            if (!Allowed.TryGetValue(file, out var allowed))
            {
                problems.Add($"unchecked host-side read (use RepoFiles/RepoTree for worktree content, or allow-list it with the reason): {string.Join("; ", hits)}");
            }
            else if (allowed.Count != hits.Count)
            {
                problems.Add($"{file} holds {hits.Count} host-side reads, the allow-list says {allowed.Count}: check each is not worktree content, then update the count ({string.Join("; ", hits)})");
            }
        }
        problems.AddRange(Allowed.Keys.Where(f => !found.ContainsKey(f)).Select(f => $"{f} is allow-listed but reads nothing now: take it off the list"));
        problems.ShouldBeEmpty();
    }

    [Fact]
    public void HostRead_Pattern_CatchesEachKindOfRead()
    {
        string[] reads =
        [
            "File.ReadAllText(p)", "await File.ReadAllBytesAsync(p, ct)", "File.ReadLines(p)", "File.OpenRead(p)", "File.OpenHandle(p)",
            "new FileStream(p, FileMode.Open)", "new StreamReader(p)", "Directory.EnumerateFiles(p)", "Directory.GetFiles(p)",
            "info.EnumerateFileSystemInfos(\"*\")", "File.Copy(a, b)", "matcher.GetResultsInFullPath(p)", "new FileSystemEnumerable<string>(",
        ];
        reads.ShouldAllBe(r => HostRead().IsMatch(r));
        HostRead().IsMatch("File.Exists(p)").ShouldBeFalse();
        HostRead().IsMatch("RepoFiles.ReadAsync(root, p, 10)").ShouldBeFalse();
    }

    private static string CheckoutRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Nightshift.slnx")))
            {
                return folder.FullName;
            }
        }
        throw new InvalidOperationException($"no Nightshift.slnx above {AppContext.BaseDirectory}; the test reads the checkout's src folder");
    }

    [GeneratedRegex(@"\bFile\.(ReadAll\w*|ReadLines\w*|Open\w*|Copy)\(|\bnew (FileStream|StreamReader|FileSystemEnumerable)\b|\bDirectory\.(Enumerate\w*|GetFiles|GetDirectories|GetFileSystemEntries)\(|\.(EnumerateFiles|EnumerateDirectories|EnumerateFileSystemInfos|EnumerateFileSystemEntries|GetFiles|GetDirectories|OpenRead|OpenText)\(|\bGetResultsInFullPath\b")]
    private static partial Regex HostRead();
}
