using System.Runtime.InteropServices;

namespace Nightshift.Workspaces.Files;

/// <summary>
/// The few system calls the safe reader needs that .NET does not offer: open with O_NOFOLLOW|O_NONBLOCK (a FIFO must
/// not block the opener) and statx, whose layout, unlike struct stat's, is the same on every architecture.
/// </summary>
internal static partial class UnixFiles
{
    public const int ENOENT = 2;
    public const int EACCES = 13;
    public const int ENOTDIR = 20;
    public const int ELOOP = 40;
    public const int ENXIO = 6;

    private const int ORdOnly = 0;
    private const int ONoCtty = 0x100;
    private const int ONonBlock = 0x800;
    private const int OCloExec = 0x80000;
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const int AtEmptyPath = 0x1000;
    private const uint StatxWanted = 0x1 | 0x40 | 0x200; // STATX_TYPE | STATX_MTIME | STATX_SIZE
    private const int StatxBytes = 256;

    /// <summary>O_NOFOLLOW is one of the few flags whose value differs between the two 64-bit architectures we run on.</summary>
    private static int ONoFollow => RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => 0x20000,
        Architecture.Arm64 => 0x8000,
        var other => throw new PlatformNotSupportedException($"Nightshift reads repository files safely on x86-64 and arm64 Linux only, not on {other}"),
    };

    /// <summary>Opens for reading without following a final link and without blocking on a FIFO; the descriptor, or -errno.</summary>
    public static int OpenForReading(string path)
    {
        var fd = Open(path, ORdOnly | ONoFollow | ONonBlock | OCloExec | ONoCtty, 0);
        return fd >= 0 ? fd : -Marshal.GetLastPInvokeError();
    }

    /// <summary>lstat: what <paramref name="path"/> itself names; null with the errno when it cannot be looked at.</summary>
    public static RepoFileInfo? StatPath(string path, out int errno) => Statx(AtFdCwd, path, AtSymlinkNoFollow, out errno);

    /// <summary>fstat of an open descriptor.</summary>
    public static RepoFileInfo? StatDescriptor(int fd, out int errno) => Statx(fd, "", AtEmptyPath, out errno);

    private static RepoFileInfo? Statx(int dirfd, string path, int flags, out int errno)
    {
        var buffer = new byte[StatxBytes];
        if (StatxCall(dirfd, path, flags, StatxWanted, buffer) != 0)
        {
            errno = Marshal.GetLastPInvokeError();
            return null;
        }
        errno = 0;
        // struct statx: stx_mode (u16) at 28, stx_size (u64) at 40, stx_mtime {s64 sec; u32 nsec} at 112.
        var mode = BitConverter.ToUInt16(buffer, 28);
        var size = BitConverter.ToInt64(buffer, 40);
        var seconds = BitConverter.ToInt64(buffer, 112);
        var nanoseconds = BitConverter.ToUInt32(buffer, 120);
        var ticks = DateTime.UnixEpoch.Ticks + (seconds * TimeSpan.TicksPerSecond) + (nanoseconds / 100);
        return new RepoFileInfo(KindOf(mode), size, ticks);
    }

    private static RepoFileKind KindOf(ushort mode) => (mode & 0xF000) switch
    {
        0x8000 => RepoFileKind.Regular,
        0x4000 => RepoFileKind.Directory,
        0xA000 => RepoFileKind.SymbolicLink,
        0x1000 => RepoFileKind.Fifo,
        0xC000 => RepoFileKind.Socket,
        0x2000 => RepoFileKind.CharacterDevice,
        0x6000 => RepoFileKind.BlockDevice,
        _ => RepoFileKind.Unknown,
    };

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int StatxCall(int dirfd, string path, int flags, uint mask, [Out] byte[] buffer);
}
