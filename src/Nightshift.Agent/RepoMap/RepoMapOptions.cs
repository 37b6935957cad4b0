namespace Nightshift.Agent.RepoMap;

/// <summary>How a repository map is built. The defaults suit a prompt: code files up to 1 MB, ctags when installed.</summary>
public sealed record RepoMapOptions
{
    /// <summary>Folder for the on-disk caches (per content hash and per commit), e.g. &lt;data&gt;/repomap; null keeps caches in memory only.</summary>
    public string? CacheFolder { get; init; }

    /// <summary>Files larger than this are listed nowhere: they are generated data, not code to read.</summary>
    public long MaxFileBytes { get; init; } = 1_000_000;

    /// <summary>At most this many files are mapped; the rest are counted as skipped.</summary>
    public int MaxFiles { get; init; } = 50_000;

    /// <summary>universal-ctags program; a bare name is looked up on PATH. Missing or failing ctags falls back to built-in patterns.</summary>
    public string CtagsPath { get; init; } = "ctags";

    public bool UseCtags { get; init; } = true;

    public TimeSpan CtagsTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Listing the tree stops after this long; what was seen by then is mapped and the rest counted as skipped.</summary>
    public TimeSpan MaxScanTime { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Folder names skipped anywhere in the tree, in addition to those the root .gitignore names.</summary>
    public IReadOnlySet<string> IgnoredFolders { get; init; } = new HashSet<string>(StringComparer.Ordinal)
    {
        ".git", ".hg", ".svn", "node_modules", "bin", "obj", "dist", "build", "vendor", "target", "out",
        "__pycache__", ".venv", "venv", ".tox", ".mypy_cache", ".pytest_cache", ".next", ".nuxt", "coverage",
        ".gradle", ".idea", ".vs", ".vscode", ".cache", "packages",
    };
}
