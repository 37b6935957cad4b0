using Nightshift.Workspaces.Files;

namespace Nightshift.Agent.RepoMap;

/// <summary>
/// Lists the files worth mapping without reading them: skips ignored folders (and names the root .gitignore lists
/// plainly), every symbolic link (never followed, so nothing outside the tree is reached), everything that is not a
/// regular file (a FIFO would block the reader), binary extensions and files over the size cap.
/// </summary>
internal static class RepoScanner
{
    private const int MaxGitignoreBytes = 100_000;

    public sealed record Entry(string Path, long Size, long Ticks);

    public static (List<Entry> Files, int Skipped) Scan(string root, RepoMapOptions options, CancellationToken cancellationToken = default)
    {
        var (names, extensions) = ReadGitignore(root, cancellationToken);
        var listing = RepoTree.Walk(root, "", new RepoWalkOptions
        {
            // Folders and skipped files count too; twice the file cap leaves room for them.
            MaxEntries = (int)Math.Min(int.MaxValue, (long)options.MaxFiles * 2),
            MaxTime = options.MaxScanTime,
            Descend = entry => !options.IgnoredFolders.Contains(entry.Name) && !names.Contains(entry.Name),
        }, cancellationToken);
        var skipped = listing.Complete ? 0 : 1;
        var files = new List<Entry>();
        foreach (var entry in listing.Entries)
        {
            if (entry.Info.Kind == RepoFileKind.Directory || names.Contains(entry.Name))
            {
                continue;
            }
            if (entry.Info.Kind != RepoFileKind.Regular || entry.Info.Size > options.MaxFileBytes || Languages.IsBinaryExtension(entry.Name)
                || extensions.Contains(Path.GetExtension(entry.Name)) || files.Count >= options.MaxFiles)
            {
                skipped++;
                continue;
            }
            files.Add(new Entry(entry.Path, entry.Info.Size, entry.Info.LastWriteTicks));
        }
        files.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        return (files, skipped);
    }

    /// <summary>Only the plain entries of the root .gitignore (a name, or *.ext); anything cleverer is left alone.</summary>
    private static (HashSet<string> Names, HashSet<string> Extensions) ReadGitignore(string root, CancellationToken cancellationToken)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var extensions = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        RepoFileContent content;
        try
        {
            content = RepoFiles.Read(root, ".gitignore", MaxGitignoreBytes, cancellationToken);
        }
        catch (RepoFileException)
        {
            return (names, extensions);
        }
        if (content.Truncated)
        {
            return (names, extensions);
        }
        foreach (var raw in System.Text.Encoding.UTF8.GetString(content.Bytes).Split('\n'))
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
