namespace Nightshift.Workspaces.SetupCache;

/// <summary>
/// Which entry a setup result is kept under: the organisation, the repository (its mirror key; <paramref name="RepoLocation"/>
/// only for people) and the hash over everything that decides what setup makes (<see cref="SetupCacheKeys"/>).
/// </summary>
public sealed record SetupCacheKey(string OrgId, string RepoKey, string RepoLocation, string Hash)
{
    /// <summary>The first 12 hex digits, as listings show it.</summary>
    public string Short => Hash[..12];
}
