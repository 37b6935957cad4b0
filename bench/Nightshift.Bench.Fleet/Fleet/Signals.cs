using System.Runtime.InteropServices;

namespace Nightshift.Bench.Fleet.Fleet;

/// <summary>Sends POSIX signals to a process by id (libc <c>kill(2)</c>); numbers are Linux's.</summary>
internal static class Signals
{
    public const int Kill = 9;
    public const int Term = 15;
    public const int Continue = 18;
    public const int Stop = 19;

    /// <summary>Sends <paramref name="signal"/>; false when the process is gone (or the signal was refused).</summary>
    public static bool Send(int processId, int signal) => SendSignal(processId, signal) == 0;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int SendSignal(int processId, int signal);
}
