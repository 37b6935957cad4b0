using System.Text.Json;
using Nightshift.Agent.Configuration;

namespace Nightshift.Agent.Verification;

/// <summary>
/// Picks the commands that tell whether a change works: those of .nightshift.yml when it names any, else what the
/// repository's own files reveal (package.json scripts, solution files, pyproject, go.mod, Cargo.toml, Makefile), unless
/// it says <c>test: none</c>.
/// </summary>
public static class VerificationDetector
{
    public static IReadOnlyList<string> Detect(string worktree, RepoConfig config)
    {
        if (config.VerificationCommands.Count > 0 || config.TestNone)
        {
            // With `test: none` the repository said there are no tests: nothing is guessed from its files.
            return config.VerificationCommands;
        }
        var commands = new List<string>();
        var packageJson = Path.Combine(worktree, "package.json");
        if (File.Exists(packageJson))
        {
            var node = NodeTestCommand(worktree, packageJson);
            if (node is not null)
            {
                commands.Add(node);
            }
        }
        else if (HasNodeTests(worktree))
        {
            commands.Add("node --test");
        }
        if (Directory.EnumerateFiles(worktree, "*.slnx").Any() || Directory.EnumerateFiles(worktree, "*.sln").Any()
            || Directory.EnumerateFiles(worktree, "*.csproj").Any())
        {
            commands.Add("dotnet test");
        }
        if (File.Exists(Path.Combine(worktree, "pyproject.toml")) || File.Exists(Path.Combine(worktree, "pytest.ini"))
            || File.Exists(Path.Combine(worktree, "setup.cfg")) || Directory.Exists(Path.Combine(worktree, "tests")) && HasPythonTests(worktree))
        {
            commands.Add("python3 -m pytest -q");
        }
        if (File.Exists(Path.Combine(worktree, "go.mod")))
        {
            commands.Add("go test ./...");
        }
        if (File.Exists(Path.Combine(worktree, "Cargo.toml")))
        {
            commands.Add("cargo test");
        }
        if (commands.Count == 0 && MakeTarget(worktree) is { } target)
        {
            commands.Add($"make {target}");
        }
        return commands;
    }

    private static string? NodeTestCommand(string worktree, string packageJson)
    {
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(packageJson));
            if (doc.RootElement.TryGetProperty("scripts", out var scripts) && scripts.ValueKind == JsonValueKind.Object
                && scripts.TryGetProperty("test", out var test) && test.ValueKind == JsonValueKind.String
                && !(test.GetString() ?? "").Contains("no test specified", StringComparison.Ordinal))
            {
                var runner = File.Exists(Path.Combine(worktree, "pnpm-lock.yaml")) ? "pnpm"
                    : File.Exists(Path.Combine(worktree, "yarn.lock")) ? "yarn"
                    : "npm";
                return $"{runner} test";
            }
        }
        catch (JsonException)
        {
            // A broken package.json is the repository's problem; fall back to node's own runner below.
        }
        return HasNodeTests(worktree) ? "node --test" : null;
    }

    private static bool HasNodeTests(string worktree) =>
        SafeFiles(worktree, "*.test.js").Any() || SafeFiles(worktree, "*.test.mjs").Any() || Directory.Exists(Path.Combine(worktree, "test"))
        && SafeFiles(Path.Combine(worktree, "test"), "*.js").Any();

    private static bool HasPythonTests(string worktree) => SafeFiles(Path.Combine(worktree, "tests"), "test_*.py").Any();

    private static IEnumerable<string> SafeFiles(string folder, string pattern)
    {
        if (!Directory.Exists(folder))
        {
            return [];
        }
        var options = new EnumerationOptions { RecurseSubdirectories = true, MaxRecursionDepth = 4, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.ReparsePoint };
        return Directory.EnumerateFiles(folder, pattern, options).Where(f => !f.Contains("/node_modules/", StringComparison.Ordinal) && !f.Contains("/.git/", StringComparison.Ordinal)).Take(1);
    }

    private static string? MakeTarget(string worktree)
    {
        var makefile = Path.Combine(worktree, "Makefile");
        if (!File.Exists(makefile))
        {
            return null;
        }
        var lines = File.ReadLines(makefile).Take(2_000).ToList();
        return lines.Any(l => l.StartsWith("test:", StringComparison.Ordinal)) ? "test"
            : lines.Any(l => l.StartsWith("check:", StringComparison.Ordinal)) ? "check"
            : null;
    }
}
