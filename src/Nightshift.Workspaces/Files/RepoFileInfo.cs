namespace Nightshift.Workspaces.Files;

/// <summary>The kind, size and modification time of a repository path (the link itself for a symbolic link).</summary>
public sealed record RepoFileInfo(RepoFileKind Kind, long Size, long LastWriteTicks)
{
    public static RepoFileInfo Missing { get; } = new(RepoFileKind.Missing, 0, 0);

    public bool IsRegular => Kind == RepoFileKind.Regular;

    public bool IsDirectory => Kind == RepoFileKind.Directory;
}
