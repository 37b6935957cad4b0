namespace Nightshift.Workspaces.SetupCache;

/// <summary>
/// One stored setup result, as <c>entry.json</c> beside its <c>worktree/</c> and <c>cache/</c> folders records it:
/// whose it is, what it holds, how long the setup it replaces took, and when and how often it was restored.
/// </summary>
public sealed record SetupCacheEntry
{
    public required string OrgId { get; init; }

    public required string RepoKey { get; init; }

    /// <summary>The repository as tasks named it (for people; the key is what matches).</summary>
    public required string RepoLocation { get; init; }

    public required string Key { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset LastUsedAt { get; init; }

    public int Hits { get; init; }

    /// <summary>Bytes of file content in the worktree and cache parts together.</summary>
    public long Bytes { get; init; }

    /// <summary>Files and links in both parts.</summary>
    public int Files { get; init; }

    /// <summary>How long the setup commands took when the entry was made: what a hit saves.</summary>
    public long SetupMs { get; init; }

    /// <summary>The lock files the key was made from.</summary>
    public IReadOnlyList<string> LockFiles { get; init; } = [];

    /// <summary>The folder holding the entry (not stored; filled in when read).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string Folder { get; init; } = "";
}
