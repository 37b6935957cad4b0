namespace Nightshift.Workspaces.SetupCache;

/// <summary>A store's result: the entry kept, or why setup's result was not (<paramref name="Reason"/>).</summary>
public sealed record SetupCacheSave(SetupCacheEntry? Entry, string? Reason)
{
    public bool Stored => Entry is not null;

    public static SetupCacheSave NotStored(string reason) => new(null, reason);
}
