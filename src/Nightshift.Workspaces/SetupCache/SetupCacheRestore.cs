namespace Nightshift.Workspaces.SetupCache;

/// <summary>A restore's result: the entry restored and how long the copy took, or why nothing was (<paramref name="Reason"/>).</summary>
public sealed record SetupCacheRestore(SetupCacheEntry? Entry, string? Reason, TimeSpan Took)
{
    public bool Hit => Entry is not null;

    public static SetupCacheRestore Miss(string reason) => new(null, reason, TimeSpan.Zero);
}
