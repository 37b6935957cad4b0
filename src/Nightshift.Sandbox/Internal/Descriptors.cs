using System.Globalization;
using System.Runtime.InteropServices;

namespace Nightshift.Sandbox.Internal;

/// <summary>
/// Marks every descriptor above 2 close-on-exec before a jail starts. .NET opens its own files close-on-exec, but
/// descriptors the worker inherited from whatever started it (a pipe from a CI runner, a shell's spare fds) are not,
/// would pass through bubblewrap and could reach outside the jail.
/// </summary>
internal static partial class Descriptors
{
    private const int GetFlags = 1;
    private const int SetFlags = 2;
    private const int CloseOnExec = 1;

    public static void SealInherited()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        string[] entries;
        try
        {
            entries = Directory.GetFileSystemEntries("/proc/self/fd");
        }
        catch (IOException)
        {
            return;
        }
        foreach (var entry in entries)
        {
            if (!int.TryParse(Path.GetFileName(entry), NumberStyles.None, CultureInfo.InvariantCulture, out var fd) || fd <= 2)
            {
                continue;
            }
            var flags = Fcntl(fd, GetFlags, 0);
            if (flags >= 0 && (flags & CloseOnExec) == 0)
            {
                _ = Fcntl(fd, SetFlags, flags | CloseOnExec);
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static partial int Fcntl(int fd, int command, int argument);
}
