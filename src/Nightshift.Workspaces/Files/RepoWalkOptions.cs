namespace Nightshift.Workspaces.Files;

/// <summary>Bounds and pruning for <see cref="RepoTree.Walk"/>.</summary>
public sealed record RepoWalkOptions
{
    /// <summary>The walk stops after this many entries (folders, files, links and special files alike).</summary>
    public int MaxEntries { get; init; } = 100_000;

    /// <summary>The walk stops after this long, measured on <see cref="Time"/>.</summary>
    public TimeSpan MaxTime { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Folders deeper than this below the start are listed but not entered (0: the start folder only).</summary>
    public int MaxDepth { get; init; } = 64;

    /// <summary>Whether to enter a folder (the folder itself is listed either way); links are never entered.</summary>
    public Func<RepoEntry, bool>? Descend { get; init; }

    public TimeProvider Time { get; init; } = TimeProvider.System;
}
