namespace Nightshift.Workspaces.Files;

/// <summary>One entry of a walk: its path relative to the repository root (with '/'), and what it is.</summary>
public sealed record RepoEntry(string Path, RepoFileInfo Info)
{
    public string Name => System.IO.Path.GetFileName(Path);
}
