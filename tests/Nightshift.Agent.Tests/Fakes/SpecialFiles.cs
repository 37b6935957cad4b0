using System.Diagnostics;
using Nightshift.TestKit;

namespace Nightshift.Agent.Tests.Fakes;

/// <summary>Makes the special files a hostile repository or command can leave in a worktree.</summary>
internal static class SpecialFiles
{
    public static void Fifo(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var process = Process.Start("mkfifo", [path]);
        process.WaitForExit((int)TestDefaults.Timeout.TotalMilliseconds).ShouldBeTrue();
        process.ExitCode.ShouldBe(0);
    }

    public static void Sparse(string path, long bytes)
    {
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write);
        file.SetLength(bytes);
    }
}
