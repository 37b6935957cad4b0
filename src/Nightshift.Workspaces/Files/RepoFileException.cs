namespace Nightshift.Workspaces.Files;

/// <summary>
/// A repository path that Nightshift will not read: not a regular file, a symbolic link, or reached through a link that
/// leads outside the repository. The message names the path and says why; callers may pass it on as it is.
/// </summary>
public sealed class RepoFileException(string message, RepoFileKind kind, Exception? inner = null) : IOException(message, inner)
{
    public RepoFileKind Kind { get; } = kind;
}
