using System.IO.Enumeration;
using System.Text.Json;
using Nightshift.Agent.Configuration;
using Nightshift.Workspaces.Files;

namespace Nightshift.Agent.Verification;

/// <summary>
/// Picks the commands that tell whether a change works: those of .nightshift.yml when it names any, else what the
/// repository's own files reveal (package.json scripts, solution files, pyproject, go.mod, Cargo.toml, Makefile), unless
/// it says <c>test: none</c>. Only regular files count, read through <see cref="RepoFiles"/> with a bound: a committed
/// <c>package.json -&gt; /dev/zero</c> or a FIFO is simply not a package.json.
/// </summary>
public static class VerificationDetector
{
    private const int MaxPackageJsonBytes = 1024 * 1024;
    private const int MaxMakefileBytes = 256 * 1024;

    public static IReadOnlyList<string> Detect(string worktree, RepoConfig config, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config.VerificationCommands.Count > 0 || config.TestNone)
        {
            // With `test: none` the repository said there are no tests: nothing is guessed from its files.
            return config.VerificationCommands;
        }
        var commands = new List<string>();
        if (IsFile(worktree, "package.json"))
        {
            var node = NodeTestCommand(worktree, cancellationToken);
            if (node is not null)
            {
                commands.Add(node);
            }
        }
        else if (HasNodeTests(worktree, cancellationToken))
        {
            commands.Add("node --test");
        }
        var top = Find(worktree, "", depth: 0, cancellationToken, "*.slnx", "*.sln", "*.csproj");
        if (top)
        {
            commands.Add("dotnet test");
        }
        if (IsFile(worktree, "pyproject.toml") || IsFile(worktree, "pytest.ini") || IsFile(worktree, "setup.cfg")
            || IsFolder(worktree, "tests") && Find(worktree, "tests", depth: 4, cancellationToken, "test_*.py"))
        {
            commands.Add("python3 -m pytest -q");
        }
        if (IsFile(worktree, "go.mod"))
        {
            commands.Add("go test ./...");
        }
        if (IsFile(worktree, "Cargo.toml"))
        {
            commands.Add("cargo test");
        }
        if (commands.Count == 0 && MakeTarget(worktree, cancellationToken) is { } target)
        {
            commands.Add($"make {target}");
        }
        return commands;
    }

    private static string? NodeTestCommand(string worktree, CancellationToken cancellationToken)
    {
        try
        {
            var content = RepoFiles.Read(worktree, "package.json", MaxPackageJsonBytes, cancellationToken);
            if (!content.Truncated)
            {
                using var doc = JsonDocument.Parse(content.Bytes);
                if (doc.RootElement.ValueKind == JsonValueKind.Object
                    && doc.RootElement.TryGetProperty("scripts", out var scripts) && scripts.ValueKind == JsonValueKind.Object
                    && scripts.TryGetProperty("test", out var test) && test.ValueKind == JsonValueKind.String
                    && !(test.GetString() ?? "").Contains("no test specified", StringComparison.Ordinal))
                {
                    var runner = IsFile(worktree, "pnpm-lock.yaml") ? "pnpm" : IsFile(worktree, "yarn.lock") ? "yarn" : "npm";
                    return $"{runner} test";
                }
            }
        }
        catch (Exception e) when (e is JsonException or IOException)
        {
            // A broken or unreadable package.json is the repository's problem; fall back to node's own runner below.
        }
        return HasNodeTests(worktree, cancellationToken) ? "node --test" : null;
    }

    private static bool HasNodeTests(string worktree, CancellationToken cancellationToken) =>
        Find(worktree, "", depth: 4, cancellationToken, "*.test.js", "*.test.mjs")
        || IsFolder(worktree, "test") && Find(worktree, "test", depth: 4, cancellationToken, "*.js");

    private static bool IsFile(string worktree, string name) => RepoFiles.Stat(worktree, name).IsRegular;

    private static bool IsFolder(string worktree, string name) => RepoFiles.Stat(worktree, name).IsDirectory;

    /// <summary>Whether a regular file matching one of <paramref name="patterns"/> lies in the folder, links never entered.</summary>
    private static bool Find(string worktree, string folder, int depth, CancellationToken cancellationToken, params string[] patterns)
    {
        var listing = RepoTree.Walk(worktree, folder, new RepoWalkOptions
        {
            MaxDepth = depth,
            MaxEntries = 50_000,
            MaxTime = TimeSpan.FromSeconds(5),
            Descend = entry => entry.Name is not ("node_modules" or ".git"),
        }, cancellationToken);
        return listing.Entries.Any(e => e.Info.IsRegular && patterns.Any(p => FileSystemName.MatchesSimpleExpression(p, e.Name)));
    }

    private static string? MakeTarget(string worktree, CancellationToken cancellationToken)
    {
        RepoFileContent content;
        try
        {
            content = RepoFiles.Read(worktree, "Makefile", MaxMakefileBytes, cancellationToken);
        }
        catch (RepoFileException)
        {
            return null;
        }
        var lines = System.Text.Encoding.UTF8.GetString(content.Bytes).Split('\n').Take(2_000).ToList();
        return lines.Any(l => l.StartsWith("test:", StringComparison.Ordinal)) ? "test"
            : lines.Any(l => l.StartsWith("check:", StringComparison.Ordinal)) ? "check"
            : null;
    }
}
