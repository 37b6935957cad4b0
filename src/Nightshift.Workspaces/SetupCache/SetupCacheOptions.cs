namespace Nightshift.Workspaces.SetupCache;

/// <summary>The cache of repository setup results (configuration section <c>Sandbox:SetupCache</c>).</summary>
public sealed class SetupCacheOptions
{
    public const string SectionName = "Sandbox:SetupCache";

    /// <summary>Off: every task runs its repository's setup commands, and nothing is stored.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>All entries together; after a store, the least recently used entries are deleted until they fit.</summary>
    public long MaxBytes { get; set; } = 10L * 1024 * 1024 * 1024;

    /// <summary>One entry (the files setup made in the worktree plus the task's cache folder); a bigger result is not stored.</summary>
    public long MaxEntryBytes { get; set; } = 4L * 1024 * 1024 * 1024;

    /// <summary>Where entries live; null means <c>setup-cache</c> in the data folder.</summary>
    public string? Folder { get; set; }
}
