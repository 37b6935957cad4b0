namespace Nightshift.Workspaces.Files;

/// <summary>Why a walk ended before it had seen everything, if it did.</summary>
public enum RepoWalkStop
{
    Complete,
    EntryLimit,
    TimeLimit,
}
