namespace Nightshift.Workspaces;

/// <summary>What one pass of <see cref="WorkspaceCollector"/> removed, and what the mirrors take afterwards.</summary>
public sealed record CollectionReport(int WorktreesRemoved, int MirrorsEvicted, long MirrorBytes);
