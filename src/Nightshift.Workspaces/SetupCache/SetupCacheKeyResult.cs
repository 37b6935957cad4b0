namespace Nightshift.Workspaces.SetupCache;

/// <summary>The key a setup is cached under, or why it is not cached (<paramref name="Reason"/>); <paramref name="Files"/> are the lock files hashed.</summary>
public sealed record SetupCacheKeyResult(SetupCacheKey? Key, string? Reason, IReadOnlyList<string> Files)
{
    public static SetupCacheKeyResult Uncached(string reason) => new(null, reason, []);
}
