namespace Nightshift.Workspaces;

/// <summary>
/// Reads one file of a repository's branch as the remote holds it now, from git's objects in the bare mirror (fetched
/// first), never from a checked-out file: used for pipeline definitions (<c>.nightshift/pipelines/NAME.yml</c>) before
/// any task runs.
/// </summary>
public interface IRepositoryFiles
{
    /// <returns>the file's text (UTF-8), or null when the branch has no file at <paramref name="path"/>.</returns>
    /// <exception cref="WorkspaceException">
    /// the repository or branch cannot be fetched, the path is unsafe, or it names a link, folder or submodule, or a file
    /// larger than <paramref name="maxBytes"/> (the message says which and how to fix it).
    /// </exception>
    Task<string?> ReadTextAsync(string repository, string? branch, string path, int maxBytes, PushCredentials? credentials, CancellationToken cancellationToken);
}
