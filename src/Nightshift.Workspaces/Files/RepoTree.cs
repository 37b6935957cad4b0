using System.IO.Enumeration;
using Nightshift.Sandbox;

namespace Nightshift.Workspaces.Files;

/// <summary>
/// Lists a repository's folders without ever entering a symbolic link: a link to a folder is listed as a link, so
/// <c>hostroot -&gt; /</c> shows nothing of the host and <c>loop -&gt; .</c> cannot loop. Bounded in entries and time.
/// </summary>
public static class RepoTree
{
    /// <summary>
    /// Walks <paramref name="start"/> (a folder of <paramref name="root"/>, relative or an absolute host path inside it;
    /// "" for the root) depth first, each folder's entries in ordinal order.
    /// </summary>
    /// <exception cref="RepoFileException">the start is not a folder inside the root.</exception>
    public static RepoListing Walk(string root, string start, RepoWalkOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var rootReal = RealPaths.Resolve(Path.TrimEndingDirectorySeparator(Path.GetFullPath(root)));
        var startInfo = RepoFiles.Stat(rootReal, Relative(root, rootReal, start));
        var startRelative = Relative(root, rootReal, start).Trim('/');
        if (startInfo.Kind != RepoFileKind.Directory)
        {
            throw new RepoFileException(RepoFiles.Refusal(startRelative.Length == 0 ? "." : startRelative, startInfo.Kind) + " (a folder was expected)", startInfo.Kind);
        }
        var startHost = RealPaths.Resolve(Path.Join(rootReal, startRelative));
        var began = options.Time.GetUtcNow();
        var entries = new List<RepoEntry>();
        var pending = new Stack<(string Host, string Relative, int Depth)>();
        pending.Push((startHost, RelativeTo(startHost, rootReal), 0));
        while (pending.TryPop(out var folder))
        {
            foreach (var name in Names(folder.Host))
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (entries.Count >= options.MaxEntries)
                {
                    return new RepoListing(entries, RepoWalkStop.EntryLimit);
                }
                if (options.Time.GetUtcNow() - began > options.MaxTime)
                {
                    return new RepoListing(entries, RepoWalkStop.TimeLimit);
                }
                var host = Path.Join(folder.Host, name);
                var info = UnixFiles.StatPath(host, out _);
                if (info is null)
                {
                    continue;
                }
                var entry = new RepoEntry(folder.Relative.Length == 0 ? name : folder.Relative + "/" + name, info);
                entries.Add(entry);
                if (info.Kind == RepoFileKind.Directory && folder.Depth < options.MaxDepth && (options.Descend?.Invoke(entry) ?? true))
                {
                    pending.Push((host, entry.Path, folder.Depth + 1));
                }
            }
        }
        return new RepoListing(entries, RepoWalkStop.Complete);
    }

    /// <summary>The names in one folder in ordinal order; an unreadable folder shows none.</summary>
    private static IEnumerable<string> Names(string folder)
    {
        List<string> names;
        try
        {
            names = [.. new FileSystemEnumerable<string>(
                folder,
                (ref FileSystemEntry entry) => entry.FileName.ToString(),
                new EnumerationOptions { RecurseSubdirectories = false, AttributesToSkip = 0, IgnoreInaccessible = true, ReturnSpecialDirectories = false })];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
        names.Sort(StringComparer.Ordinal);
        return names;
    }

    private static string Relative(string root, string rootReal, string start)
    {
        if (!Path.IsPathRooted(start))
        {
            return start;
        }
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(start));
        var given = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
        return RelativeTo(full, rootReal) is { } fromReal ? fromReal
            : RelativeTo(full, given) is { } fromGiven ? fromGiven
            : throw new RepoFileException($"'{start}' is not inside the repository at '{root}'", RepoFileKind.OutsideRoot);
    }

    private static string RelativeTo(string full, string root) =>
        full == root ? "" : full.StartsWith(root + "/", StringComparison.Ordinal) ? full[(root.Length + 1)..] : full;
}
