using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Nightshift.Models.Replay;

/// <summary>
/// What a path names, read with statx(2) without following a final symbolic link, and files opened so that a FIFO or
/// a device never blocks or floods the reader. statx's buffer has one layout on every Linux architecture, which
/// <c>struct stat</c> does not.
/// </summary>
internal readonly partial record struct FileStatus(FileStatusKind Kind, ulong Device, ulong Inode, long Size)
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const int AtEmptyPath = 0x1000;
    private const uint StatxBasicStats = 0x7ff;
    private const int StatxBufferBytes = 256;
    private const int ReadOnly = 0;
    private const int NonBlocking = 0x800;
    private const int CloseOnExec = 0x80000;

    /// <summary>The entry <paramref name="path"/> names itself (a link is reported as a link), or null when it is missing.</summary>
    public static FileStatus? OfEntry(string path)
    {
        var buffer = new byte[StatxBufferBytes];
        return Statx(AtFdCwd, path, AtSymlinkNoFollow, StatxBasicStats, buffer) == 0 ? Parse(buffer) : null;
    }

    /// <summary>
    /// Opens <paramref name="path"/> for reading only when it is still the regular file <paramref name="expected"/>
    /// describes: opened without blocking (a FIFO swapped in cannot hang the reader), then compared by device and inode.
    /// </summary>
    public static FileStream? OpenSame(string path, FileStatus expected)
    {
        var descriptor = Open(path, ReadOnly | NonBlocking | CloseOnExec);
        if (descriptor < 0)
        {
            return null;
        }
        var handle = new SafeFileHandle(descriptor, ownsHandle: true);
        var buffer = new byte[StatxBufferBytes];
        if (Statx(descriptor, string.Empty, AtEmptyPath, StatxBasicStats, buffer) != 0
            || Parse(buffer) is not { Kind: FileStatusKind.Regular } opened
            || opened.Device != expected.Device || opened.Inode != expected.Inode)
        {
            handle.Dispose();
            return null;
        }
        return new FileStream(handle, FileAccess.Read, bufferSize: 64 * 1024);
    }

    private static FileStatus Parse(ReadOnlySpan<byte> buffer)
    {
        var mode = BinaryPrimitives.ReadUInt16LittleEndian(buffer[28..]);
        var kind = (mode & 0xF000) switch
        {
            0x8000 => FileStatusKind.Regular,
            0x4000 => FileStatusKind.Directory,
            0xA000 => FileStatusKind.SymbolicLink,
            _ => FileStatusKind.Special,
        };
        var inode = BinaryPrimitives.ReadUInt64LittleEndian(buffer[32..]);
        var size = (long)Math.Min(BinaryPrimitives.ReadUInt64LittleEndian(buffer[40..]), long.MaxValue);
        var device = ((ulong)BinaryPrimitives.ReadUInt32LittleEndian(buffer[136..]) << 32) | BinaryPrimitives.ReadUInt32LittleEndian(buffer[140..]);
        return new FileStatus(kind, device, inode, size);
    }

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int directory, string path, int flags, uint mask, [Out] byte[] buffer);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);
}
