using System.Runtime.InteropServices;

namespace Nightshift.Sandbox.Internal;

/// <summary>
/// A folder's device and inode: which folder a path named when a jail mounted it. A path can come to name another
/// folder (a worktree removed and made again, a folder moved into its place), and a jail set up earlier would still
/// show the old one.
/// </summary>
internal readonly partial record struct FileIdentity(ulong Device, ulong Inode)
{
    // struct stat on 64-bit Linux (x86-64 and arm64 alike) starts with st_dev and st_ino, 8 bytes each; the buffer is
    // larger than either architecture's whole struct.
    private const int StatBufferBytes = 256;

    /// <summary>The identity of what <paramref name="path"/> names now, or null when it cannot be read.</summary>
    public static FileIdentity? Of(string path)
    {
        if (!OperatingSystem.IsLinux() || !Environment.Is64BitProcess)
        {
            return null;
        }
        var buffer = new byte[StatBufferBytes];
        try
        {
            if (Stat(path, buffer) != 0)
            {
                return null;
            }
        }
        catch (EntryPointNotFoundException)
        {
            return null;
        }
        return new FileIdentity(BitConverter.ToUInt64(buffer, 0), BitConverter.ToUInt64(buffer, 8));
    }

    [LibraryImport("libc", EntryPoint = "stat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Stat(string path, [Out] byte[] buffer);
}
