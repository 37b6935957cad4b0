namespace Nightshift.Workspaces.Files;

/// <summary>The entries a walk saw, in order, and whether it stopped at a bound.</summary>
public sealed record RepoListing(IReadOnlyList<RepoEntry> Entries, RepoWalkStop Stopped)
{
    public bool Complete => Stopped == RepoWalkStop.Complete;
}
