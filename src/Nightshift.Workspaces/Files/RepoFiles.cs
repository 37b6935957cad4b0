using System.Globalization;
using Microsoft.Win32.SafeHandles;
using Nightshift.Sandbox;

namespace Nightshift.Workspaces.Files;

/// <summary>
/// The one way the host reads repository (worktree) content. It opens regular files only — never a FIFO, socket,
/// device or folder, never a symbolic link in the last component, never anything a link on the way leads to outside
/// the repository — and reads at most the bound the caller gives. Everything a repository, its setup commands or the
/// model can put in a worktree is hostile: a FIFO would block the reader for good, a link to /dev/zero would fill the
/// worker's memory. Paths are relative to the root, or absolute host paths inside it.
/// </summary>
public static class RepoFiles
{
    private const int ChunkBytes = 64 * 1024;

    /// <summary>What <paramref name="path"/> names (a link is reported as a link, not followed).</summary>
    public static RepoFileInfo Stat(string root, string path)
    {
        Located located;
        try
        {
            located = Locate(root, path);
        }
        catch (RepoFileException e) when (e.Kind == RepoFileKind.OutsideRoot)
        {
            return new RepoFileInfo(RepoFileKind.OutsideRoot, 0, 0);
        }
        return UnixFiles.StatPath(located.HostPath, out _) ?? RepoFileInfo.Missing;
    }

    /// <summary>Reads at most <paramref name="maxBytes"/> of the regular file at <paramref name="path"/>.</summary>
    /// <exception cref="RepoFileException">the path is missing, not a regular file, a link, or leads outside the root.</exception>
    public static RepoFileContent Read(string root, string path, long maxBytes, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxBytes);
        cancellationToken.ThrowIfCancellationRequested();
        using var handle = OpenRegular(root, path, out var size);
        var buffer = new byte[BufferFor(size, maxBytes)];
        var filled = 0;
        while (filled < buffer.Length)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var read = RandomAccess.Read(handle, buffer.AsSpan(filled, Math.Min(ChunkBytes, buffer.Length - filled)), filled);
            if (read == 0)
            {
                break;
            }
            filled += read;
        }
        return Finish(buffer, filled, size, maxBytes);
    }

    /// <summary>Reads at most <paramref name="maxBytes"/> of the regular file at <paramref name="path"/>.</summary>
    /// <exception cref="RepoFileException">the path is missing, not a regular file, a link, or leads outside the root.</exception>
    public static async Task<RepoFileContent> ReadAsync(string root, string path, long maxBytes, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxBytes);
        cancellationToken.ThrowIfCancellationRequested();
        using var handle = OpenRegular(root, path, out var size);
        var buffer = new byte[BufferFor(size, maxBytes)];
        var filled = 0;
        while (filled < buffer.Length)
        {
            var read = await RandomAccess.ReadAsync(handle, buffer.AsMemory(filled, Math.Min(ChunkBytes, buffer.Length - filled)), filled, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }
            filled += read;
        }
        return Finish(buffer, filled, size, maxBytes);
    }

    /// <summary>
    /// Refuses a path that write_file-like code should not open for writing: anything that exists and is not a
    /// regular file (a FIFO would block the writer), or a path leading outside the root. A missing path passes.
    /// </summary>
    public static void EnsureWritable(string root, string path)
    {
        var located = Locate(root, path);
        if (UnixFiles.StatPath(located.HostPath, out _) is { Kind: not RepoFileKind.Regular } info)
        {
            throw new RepoFileException(Refusal(located.Shown, info.Kind), info.Kind);
        }
    }

    /// <summary>The message for a path of <paramref name="kind"/> that is not read.</summary>
    public static string Refusal(string shownPath, RepoFileKind kind) => kind switch
    {
        RepoFileKind.Missing => $"'{shownPath}' does not exist",
        RepoFileKind.Directory => $"'{shownPath}' is a folder, not a regular file",
        RepoFileKind.SymbolicLink => $"'{shownPath}' is a symbolic link: Nightshift reads regular files only and does not follow a link at the end of a path",
        RepoFileKind.OutsideRoot => $"'{shownPath}' leads outside the repository through a symbolic link: Nightshift reads only files inside it",
        RepoFileKind.Fifo => $"'{shownPath}' is a FIFO, not a regular file: Nightshift reads regular files only",
        RepoFileKind.Socket => $"'{shownPath}' is a socket, not a regular file: Nightshift reads regular files only",
        RepoFileKind.CharacterDevice or RepoFileKind.BlockDevice => $"'{shownPath}' is a device, not a regular file: Nightshift reads regular files only",
        _ => $"'{shownPath}' is not a regular file: Nightshift reads regular files only",
    };

    private static SafeFileHandle OpenRegular(string root, string path, out long size)
    {
        var located = Locate(root, path);
        var fd = UnixFiles.OpenForReading(located.HostPath);
        if (fd < 0)
        {
            var errno = -fd;
            var kind = errno switch
            {
                UnixFiles.ENOENT or UnixFiles.ENOTDIR => RepoFileKind.Missing,
                UnixFiles.ELOOP => RepoFileKind.SymbolicLink,
                UnixFiles.ENXIO => RepoFileKind.Socket,
                _ => RepoFileKind.Unknown,
            };
            var message = kind == RepoFileKind.Unknown
                ? $"'{located.Shown}' cannot be opened ({(errno == UnixFiles.EACCES ? "permission denied" : "error " + errno.ToString(CultureInfo.InvariantCulture))})"
                : Refusal(located.Shown, kind);
            throw new RepoFileException(message, kind);
        }
        var handle = new SafeFileHandle(fd, ownsHandle: true);
        try
        {
            var info = UnixFiles.StatDescriptor(fd, out var statError)
                ?? throw new RepoFileException($"'{located.Shown}' cannot be examined (error {statError})", RepoFileKind.Unknown);
            if (info.Kind != RepoFileKind.Regular)
            {
                throw new RepoFileException(Refusal(located.Shown, info.Kind), info.Kind);
            }
            // What was opened, not what the path said a moment before: a folder on the way swapped for a link cannot lead out.
            var opened = new FileInfo($"/proc/self/fd/{fd}").LinkTarget;
            if (opened is null || !IsInside(opened, located.Root))
            {
                throw new RepoFileException(Refusal(located.Shown, RepoFileKind.OutsideRoot), RepoFileKind.OutsideRoot);
            }
            size = info.Size;
            return handle;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    private static int BufferFor(long size, long maxBytes) =>
        // One byte past the size (or bound) shows whether the file grew or holds more than the bound.
        (int)Math.Min(Math.Min(maxBytes, Math.Max(size, 0)) + 1, Array.MaxLength);

    private static RepoFileContent Finish(byte[] buffer, int filled, long size, long maxBytes)
    {
        var truncated = filled > maxBytes || size > maxBytes;
        var kept = (int)Math.Min(filled, maxBytes);
        return new RepoFileContent(kept == buffer.Length ? buffer : buffer[..kept], Math.Max(size, filled), truncated);
    }

    /// <summary>
    /// The host path of <paramref name="path"/> with every folder on the way resolved (and checked to lie inside the
    /// root) and the last component left as it is, so it can be opened with O_NOFOLLOW or examined with lstat.
    /// </summary>
    private static Located Locate(string root, string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        ArgumentNullException.ThrowIfNull(path);
        var given = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
        var rootReal = ResolveOrRefuse(given, path);
        var relative = path;
        if (Path.IsPathRooted(path))
        {
            var full = Path.GetFullPath(path);
            relative = RelativeTo(full, rootReal) ?? RelativeTo(full, given)
                ?? throw new RepoFileException($"'{path}' is not inside the repository at '{root}'", RepoFileKind.OutsideRoot);
        }
        if (relative.Contains('\0', StringComparison.Ordinal))
        {
            throw new RepoFileException("a path must not contain NUL characters", RepoFileKind.Unknown);
        }
        var shown = relative.Length == 0 ? "." : relative;
        var parts = relative.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0)
        {
            return new Located(rootReal, rootReal, shown);
        }
        var name = parts[^1];
        var parent = ResolveOrRefuse(Path.Join(rootReal, string.Join('/', parts[..^1])), shown);
        if (name is "." or "..")
        {
            parent = ResolveOrRefuse(Path.Join(parent, name), shown);
        }
        if (!IsInside(parent, rootReal))
        {
            throw new RepoFileException(Refusal(shown, RepoFileKind.OutsideRoot), RepoFileKind.OutsideRoot);
        }
        return new Located(rootReal, name is "." or ".." ? parent : Path.Join(parent, name), shown);
    }

    private static string ResolveOrRefuse(string hostPath, string shown)
    {
        try
        {
            return RealPaths.Resolve(hostPath);
        }
        catch (IOException e)
        {
            throw new RepoFileException($"'{shown}' goes through a loop of symbolic links; it cannot be used", RepoFileKind.SymbolicLink, e);
        }
    }

    private static string? RelativeTo(string full, string root) =>
        full == root ? "" : full.StartsWith(root + "/", StringComparison.Ordinal) ? full[(root.Length + 1)..] : null;

    private static bool IsInside(string path, string root) => path == root || path.StartsWith(root + "/", StringComparison.Ordinal);

    private sealed record Located(string Root, string HostPath, string Shown);
}
