using System.IO.Enumeration;

namespace Nightshift.Agent.RepoMap;

/// <summary>
/// Lists the files worth mapping without reading them: skips ignored folders (and names the root .gitignore lists
/// plainly), every symbolic link (never followed, so nothing outside the tree is reached), binary extensions and
/// files over the size cap.
/// </summary>
internal static class RepoScanner
{
    public sealed record Entry(string Path, long Size, long Ticks);

    public static (List<Entry> Files, int Skipped) Scan(string root, RepoMapOptions options)
    {
        var (names, extensions) = ReadGitignore(root);
        var skipped = 0;
        var enumerable = new FileSystemEnumerable<Entry?>(
            root,
            (ref FileSystemEntry entry) =>
            {
                if (entry.Length > options.MaxFileBytes || Languages.IsBinaryExtension(entry.FileName.ToString())
                    || extensions.Contains(Path.GetExtension(entry.FileName.ToString())))
                {
                    return null;
                }
                var full = entry.ToFullPath();
                return new Entry(full[(root.Length + 1)..], entry.Length, entry.LastWriteTimeUtc.UtcTicks);
            },
            new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = 0, ReturnSpecialDirectories = false })
        {
            ShouldRecursePredicate = (ref FileSystemEntry entry) =>
                (entry.Attributes & FileAttributes.ReparsePoint) == 0
                && !options.IgnoredFolders.Contains(entry.FileName.ToString())
                && !names.Contains(entry.FileName.ToString()),
            ShouldIncludePredicate = (ref FileSystemEntry entry) =>
                !entry.IsDirectory && (entry.Attributes & FileAttributes.ReparsePoint) == 0 && !names.Contains(entry.FileName.ToString()),
        };
        var files = new List<Entry>();
        foreach (var entry in enumerable)
        {
            if (entry is null || files.Count >= options.MaxFiles)
            {
                skipped++;
                continue;
            }
            files.Add(entry);
        }
        files.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        return (files, skipped);
    }

    /// <summary>Only the plain entries of the root .gitignore (a name, or *.ext); anything cleverer is left alone.</summary>
    private static (HashSet<string> Names, HashSet<string> Extensions) ReadGitignore(string root)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var extensions = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var path = Path.Combine(root, ".gitignore");
        var info = new FileInfo(path);
        if (!info.Exists || info.LinkTarget is not null || info.Length > 100_000)
        {
            return (names, extensions);
        }
        foreach (var raw in File.ReadLines(path))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#') || line.StartsWith('!'))
            {
                continue;
            }
            line = line.Trim('/');
            if (line.StartsWith("*.", StringComparison.Ordinal) && line.IndexOfAny(['/', '*', '?', '['], 2) < 0)
            {
                extensions.Add(line[1..]);
            }
            else if (line.Length > 0 && line.IndexOfAny(['/', '*', '?', '[']) < 0)
            {
                names.Add(line);
            }
        }
        return (names, extensions);
    }
}
