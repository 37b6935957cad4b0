namespace Nightshift.Workspaces;

/// <summary>What one pass of <see cref="WorkspaceCollector"/> removed, and what the mirrors take afterwards.</summary>
public sealed record CollectionReport(int WorktreesRemoved, int MirrorsEvicted, long MirrorBytes)
{
    /// <summary>Spare worktrees removed: stale, half-made, or of a mirror that is gone. Not counted in <see cref="WorktreesRemoved"/>.</summary>
    public int SparesRemoved { get; init; }
}
