namespace Nightshift.Workspaces.Files;

/// <summary>What a path of a repository names, seen without following a link in its last component.</summary>
public enum RepoFileKind
{
    Missing,
    Regular,
    Directory,
    SymbolicLink,
    Fifo,
    Socket,
    CharacterDevice,
    BlockDevice,
    Unknown,

    /// <summary>A symbolic link on the way leads out of the repository, so what lies there is not looked at.</summary>
    OutsideRoot,
}
