using Microsoft.Win32.SafeHandles;
using Nightshift.Workspaces.Internal;

namespace Nightshift.Workspaces.Files;

/// <summary>
/// Copies parts of a tree into another folder without ever following a link: folders are made as real folders,
/// regular files are copied as new files (setuid, setgid and sticky bits dropped), and a symbolic link is recreated
/// as a link only when it cannot lead anywhere but inside the copied tree or into the read-only system folders of the
/// jail (<see cref="LinkAllowed"/>). A FIFO, socket or device, a link leading out, a destination that already holds
/// something other than a real folder, or more than the byte bound ends the copy with a <see cref="TreeCopyException"/>
/// and removes everything the copy made. The source may be hostile (a worktree setup wrote); the destination must be a
/// folder nothing else writes while the copy runs.
/// </summary>
public static class TreeCopy
{
    private const int MaxDepth = 256;
    private const int ChunkBytes = 1024 * 1024;

    /// <summary>Absolute link targets a copied link may name: the jail's read-only toolchain and its task cache.</summary>
    private static readonly string[] SystemPrefixes = ["/usr/", "/bin/", "/lib/", "/lib64/", "/lib32/", "/opt/", "/cache/"];

    /// <summary>
    /// Copies each of <paramref name="paths"/> (relative to <paramref name="sourceRoot"/>; a folder with all it holds)
    /// to the same relative place under <paramref name="destinationRoot"/>, at most <paramref name="maxBytes"/> of file
    /// content in all. With <paramref name="sourceIsOurs"/> the source is a tree Nightshift wrote and nothing changes
    /// while it is copied, so regular files are copied by the kernel (a reflink where the file system offers one).
    /// </summary>
    /// <exception cref="TreeCopyException">something in the source or destination may not be copied; nothing copied remains.</exception>
    public static TreeCopyResult Copy(string sourceRoot, IEnumerable<string> paths, string destinationRoot, long maxBytes, bool sourceIsOurs = false, CancellationToken cancellationToken = default) =>
        Copy([new TreeCopyPart(sourceRoot, paths, destinationRoot)], maxBytes, sourceIsOurs, cancellationToken);

    /// <summary>Copies every part as one: <paramref name="maxBytes"/> bounds them together, and a failure in any leaves nothing of all.</summary>
    /// <exception cref="TreeCopyException">something in a source or destination may not be copied; nothing copied remains.</exception>
    public static TreeCopyResult Copy(IReadOnlyList<TreeCopyPart> parts, long maxBytes, bool sourceIsOurs = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var copy = new Copier(maxBytes, sourceIsOurs, cancellationToken);
        try
        {
            foreach (var part in parts)
            {
                copy.Begin(Path.GetFullPath(part.SourceRoot), Path.GetFullPath(part.DestinationRoot));
                if (UnixFiles.StatPath(copy.SourceRoot, out _) is not { Kind: RepoFileKind.Directory })
                {
                    throw new TreeCopyException($"'{copy.SourceRoot}' is not a folder");
                }
                copy.EnsureDestinationFolder("");
                foreach (var path in part.Paths)
                {
                    copy.CopyPath(path);
                }
            }
            return new TreeCopyResult(copy.Bytes, copy.Files);
        }
        catch
        {
            copy.Undo();
            throw;
        }
    }

    /// <summary>
    /// True when a link at <paramref name="linkPath"/> (relative to the copied tree's root) to <paramref name="target"/>
    /// stays inside: a relative target of leading <c>..</c> parts that do not climb above the root followed by plain
    /// names, or an absolute target in the jail's read-only system folders or its /cache.
    /// </summary>
    public static bool LinkAllowed(string linkPath, string target)
    {
        if (string.IsNullOrEmpty(target) || target.Contains('\0', StringComparison.Ordinal) || target.Length > 4096)
        {
            return false;
        }
        if (target.StartsWith('/'))
        {
            var parts = target.Split('/', StringSplitOptions.RemoveEmptyEntries);
            return parts.All(p => p is not ("." or "..")) && SystemPrefixes.Any(prefix => target.StartsWith(prefix, StringComparison.Ordinal) || target + "/" == prefix);
        }
        var depth = linkPath.Split('/', StringSplitOptions.RemoveEmptyEntries).Length - 1;
        var climbing = true;
        foreach (var part in target.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == ".." && climbing)
            {
                if (--depth < 0)
                {
                    return false;
                }
            }
            else if (part is "." or "..")
            {
                // Only leading ".." parts: after a name that may itself be a link, ".." could climb somewhere else than it reads.
                return false;
            }
            else
            {
                climbing = false;
            }
        }
        return true;
    }

    /// <summary>A relative path of plain names (no empty, '.', '..' parts, no NUL), or null when it is not one.</summary>
    public static string[]? PlainParts(string path)
    {
        if (string.IsNullOrEmpty(path) || path.StartsWith('/') || path.Contains('\0', StringComparison.Ordinal) || path.Length > 4096)
        {
            return null;
        }
        var parts = path.TrimEnd('/').Split('/');
        return parts.Length == 0 || parts.Length > MaxDepth || parts.Any(p => p is "" or "." or "..") ? null : parts;
    }

    private sealed class Copier(long maxBytes, bool sourceIsOurs, CancellationToken cancellationToken)
    {
        private readonly List<string> _made = [];
        private readonly HashSet<string> _copied = new(StringComparer.Ordinal);
        private readonly HashSet<string> _madeFolders = new(StringComparer.Ordinal);
        private string destinationRoot = "";

        public string SourceRoot { get; private set; } = "";

        public void Begin(string source, string destination)
        {
            SourceRoot = source;
            destinationRoot = destination;
            _copied.Clear();
        }

        public long Bytes { get; private set; }

        public int Files { get; private set; }

        public void CopyPath(string path)
        {
            var parts = PlainParts(path) ?? throw new TreeCopyException($"'{Shown(path)}' is not a plain relative path");
            var relative = string.Join('/', parts);
            if (!_copied.Add(relative))
            {
                return;
            }
            // Every folder on the way must be a real folder in the source (a link there could lead out) and in the destination.
            for (var i = 1; i < parts.Length; i++)
            {
                var folder = string.Join('/', parts[..i]);
                var info = UnixFiles.StatPath(Path.Join(SourceRoot, folder), out _);
                if (info is not { Kind: RepoFileKind.Directory })
                {
                    throw new TreeCopyException($"'{Shown(folder)}' on the way to '{Shown(relative)}' is {Describe(info?.Kind ?? RepoFileKind.Missing)}, not a folder");
                }
                EnsureDestinationFolder(folder);
            }
            CopyEntry(relative, parts.Length);
        }

        public void EnsureDestinationFolder(string relative)
        {
            var path = relative.Length == 0 ? destinationRoot : Path.Join(destinationRoot, relative);
            var info = UnixFiles.StatPath(path, out _);
            switch (info?.Kind)
            {
                case RepoFileKind.Directory:
                    return;
                case null or RepoFileKind.Missing:
                    Directory.CreateDirectory(path);
                    _made.Add(path);
                    _madeFolders.Add(Path.TrimEndingDirectorySeparator(path));
                    return;
                default:
                    throw new TreeCopyException($"'{Shown(relative)}' is already in the destination as {Describe(info.Kind)}; a folder cannot be copied there");
            }
        }

        private void CopyEntry(string relative, int depth)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (depth > MaxDepth)
            {
                throw new TreeCopyException($"'{Shown(relative)}' lies more than {MaxDepth} folders deep");
            }
            var source = Path.Join(SourceRoot, relative);
            var destination = Path.Join(destinationRoot, relative);
            var info = UnixFiles.StatPath(source, out _);
            switch (info?.Kind)
            {
                case null or RepoFileKind.Missing:
                    // Listed a moment ago and gone now: nothing to copy.
                    return;
                case RepoFileKind.Directory:
                    EnsureDestinationFolder(relative);
                    SetMode(destination, ModeOf(source) | UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                    var children = new DirectoryInfo(source).EnumerateFileSystemInfos("*", new EnumerationOptions { AttributesToSkip = 0, IgnoreInaccessible = false, RecurseSubdirectories = false });
                    foreach (var child in children.Select(c => c.Name).Order(StringComparer.Ordinal).ToList())
                    {
                        CopyEntry(relative + "/" + child, depth + 1);
                    }
                    return;
                case RepoFileKind.SymbolicLink:
                    var target = new FileInfo(source).LinkTarget ?? "";
                    if (!LinkAllowed(relative, target))
                    {
                        throw new TreeCopyException($"'{Shown(relative)}' is a symbolic link to '{Shown(target)}', which leads outside the copied files");
                    }
                    EnsureAbsent(relative, destination);
                    File.CreateSymbolicLink(destination, target);
                    _made.Add(destination);
                    Files++;
                    return;
                case RepoFileKind.Regular:
                    if (Bytes + info.Size > maxBytes)
                    {
                        throw new TreeCopyException($"the files come to more than {maxBytes} bytes (at '{Shown(relative)}')");
                    }
                    EnsureAbsent(relative, destination);
                    CopyFile(relative, source, destination, info.Size);
                    Files++;
                    return;
                default:
                    throw new TreeCopyException($"'{Shown(relative)}' is {Describe(info.Kind)}; only folders, regular files and links inside are copied");
            }
        }

        private void CopyFile(string relative, string source, string destination, long size)
        {
            if (sourceIsOurs)
            {
                // Our own tree was written by this class, so its modes are clean already, and File.Copy keeps them.
                _made.Add(destination);
                File.Copy(source, destination);
                Bytes += size;
                return;
            }
            var fd = UnixFiles.OpenForReading(source);
            if (fd < 0)
            {
                throw new TreeCopyException($"'{Shown(relative)}' cannot be opened (error {-fd})");
            }
            using var handle = new SafeFileHandle(fd, ownsHandle: true);
            if (UnixFiles.StatDescriptor(fd, out _) is not { Kind: RepoFileKind.Regular })
            {
                throw new TreeCopyException($"'{Shown(relative)}' changed into something that is not a regular file while it was copied");
            }
            var mode = OperatingSystem.IsWindows() ? UnixFileMode.UserRead | UnixFileMode.UserWrite : File.GetUnixFileMode(handle);
            _made.Add(destination);
            using var output = new FileStream(destination, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None });
            var buffer = new byte[ChunkBytes];
            long offset = 0;
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var read = RandomAccess.Read(handle, buffer, offset);
                if (read == 0)
                {
                    break;
                }
                offset += read;
                if (Bytes + offset > maxBytes)
                {
                    throw new TreeCopyException($"the files come to more than {maxBytes} bytes (at '{Shown(relative)}')");
                }
                output.Write(buffer, 0, read);
            }
            Bytes += offset;
            SetMode(destination, Clean(mode) | UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        private void EnsureAbsent(string relative, string destination)
        {
            // Nothing can be in a folder this copy made (nothing else writes the destination meanwhile).
            if (_madeFolders.Contains(Path.GetDirectoryName(destination)!))
            {
                return;
            }
            if (UnixFiles.StatPath(destination, out _) is { Kind: not RepoFileKind.Missing } existing)
            {
                throw new TreeCopyException($"'{Shown(relative)}' is already in the destination (as {Describe(existing.Kind)}); nothing is copied over it");
            }
        }

        public void Undo()
        {
            for (var i = _made.Count - 1; i >= 0; i--)
            {
                try
                {
                    if (UnixFiles.StatPath(_made[i], out _) is { Kind: RepoFileKind.Directory })
                    {
                        FileTrees.Delete(_made[i]);
                    }
                    else
                    {
                        File.Delete(_made[i]);
                    }
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // Best effort: what stays is inside the destination, which its owner removes with it.
                }
            }
        }

        private static UnixFileMode ModeOf(string path) => OperatingSystem.IsWindows() ? UnixFileMode.UserRead | UnixFileMode.UserWrite : Clean(File.GetUnixFileMode(path));

        private static UnixFileMode Clean(UnixFileMode mode) => mode & ~(UnixFileMode.SetUser | UnixFileMode.SetGroup | UnixFileMode.StickyBit);

        private static void SetMode(string path, UnixFileMode mode)
        {
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, mode);
            }
        }
    }

    private static string Describe(RepoFileKind kind) => kind switch
    {
        RepoFileKind.Missing => "missing",
        RepoFileKind.Regular => "a regular file",
        RepoFileKind.Directory => "a folder",
        RepoFileKind.SymbolicLink => "a symbolic link",
        RepoFileKind.Fifo => "a FIFO",
        RepoFileKind.Socket => "a socket",
        RepoFileKind.CharacterDevice or RepoFileKind.BlockDevice => "a device",
        _ => "not a regular file",
    };

    private static string Shown(string path) => path.Length <= 200 ? path.Replace('\n', '?') : path[..200].Replace('\n', '?') + "…";
}
