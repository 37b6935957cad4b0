using System.IO.Enumeration;

namespace Nightshift.Agent.Execution;

/// <summary>
/// The bytes of the regular files under a folder, found by walking it without following links (a link into the host
/// counts nothing). It reads no file's content, only the directory entries.
/// </summary>
internal static class DiskUsage
{
    private static readonly EnumerationOptions Walk = new()
    {
        RecurseSubdirectories = true,
        IgnoreInaccessible = true,
        // Symbolic links are reparse points: neither counted nor followed.
        AttributesToSkip = FileAttributes.ReparsePoint,
        ReturnSpecialDirectories = false,
    };

    public static long Of(string folder, CancellationToken cancellationToken = default)
    {
        if (!Directory.Exists(folder))
        {
            return 0;
        }
        var entries = new FileSystemEnumerable<long>(folder, (ref FileSystemEntry entry) => entry.Length, Walk)
        {
            ShouldIncludePredicate = (ref FileSystemEntry entry) => !entry.IsDirectory,
        };
        long total = 0;
        var seen = 0;
        try
        {
            foreach (var length in entries)
            {
                total += length;
                if (++seen % 4096 == 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                }
            }
        }
        catch (DirectoryNotFoundException)
        {
            // The folder went away while it was walked (a released worktree): what was counted stands.
        }
        return total;
    }
}
