using Microsoft.Extensions.Logging.Abstractions;
using Nightshift.TestKit.Sandbox;
using Nightshift.Workspaces.SetupCache;

namespace Nightshift.Workspaces.Tests.SetupCache;

/// <summary>A store in a temp folder on a hand-moved clock, and helpers that make a worktree and cache folder as setup would leave them.</summary>
internal sealed class SetupCacheFixture : IDisposable
{
    private readonly TempFolder _root = new("nightshift-setup-cache-");
    private int _folders;

    public SetupCacheFixture(long maxBytes = 1L << 30, long maxEntryBytes = 1L << 28)
    {
        Options = new SetupCacheOptions { Folder = Path.Join(_root.Path, "store"), MaxBytes = maxBytes, MaxEntryBytes = maxEntryBytes };
        Store = new SetupCacheStore(
            Microsoft.Extensions.Options.Options.Create(Options), Microsoft.Extensions.Options.Options.Create(new WorkspaceOptions { DataDirectory = _root.Path }), Clock, NullLogger<SetupCacheStore>.Instance);
    }

    public ManualClock Clock { get; } = new(new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero));

    public SetupCacheOptions Options { get; }

    public SetupCacheStore Store { get; }

    public string NewFolder()
    {
        var path = Path.Join(_root.Path, "f" + Interlocked.Increment(ref _folders));
        Directory.CreateDirectory(path);
        return path;
    }

    public static SetupCacheKey Key(string org = "org-1", string repo = "repo-a", char digit = 'a') =>
        new(org, repo, $"/srv/{repo}", new string(digit, 64));

    /// <summary>A worktree holding node_modules/dep (two files, one executable, a link inside) and a cache folder with one file.</summary>
    public (string Worktree, string Cache, SetupOutput Output) SetupResult(int depBytes = 100)
    {
        var worktree = NewFolder();
        var cache = NewFolder();
        Directory.CreateDirectory(Path.Join(worktree, "node_modules", "dep", "bin"));
        Directory.CreateDirectory(Path.Join(worktree, "node_modules", ".bin"));
        File.WriteAllText(Path.Join(worktree, "node_modules", "dep", "index.js"), new string('x', depBytes));
        File.WriteAllText(Path.Join(worktree, "node_modules", "dep", "bin", "cli.js"), "#!/usr/bin/env node\n");
        File.SetUnixFileMode(Path.Join(worktree, "node_modules", "dep", "bin", "cli.js"), (UnixFileMode)0b111_101_101);
        File.CreateSymbolicLink(Path.Join(worktree, "node_modules", ".bin", "dep"), "../dep/bin/cli.js");
        File.WriteAllText(Path.Join(worktree, "tracked.txt"), "tracked by git; not part of setup's output");
        Directory.CreateDirectory(Path.Join(cache, "npm", "_cacache"));
        File.WriteAllText(Path.Join(cache, "npm", "_cacache", "blob"), "cached tarball");
        var output = new SetupOutput(["node_modules/dep/index.js", "node_modules/dep/bin/cli.js", "node_modules/.bin/dep"], []);
        return (worktree, cache, output);
    }

    public void Dispose() => _root.Dispose();
}
