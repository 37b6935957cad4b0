using System.Diagnostics;
using System.Globalization;

namespace Nightshift.Bench.Fleet.Fleet;

/// <summary>
/// Size-limited tmpfs mounts on the workers' data folders, so the disk-fill fault can fill one for a while. Needs root
/// and a working <c>mount</c>; <see cref="TryMount"/> says why not otherwise. Disposing unmounts everything (lazily, so
/// a busy mount does not block the harness's exit).
/// </summary>
public sealed class DiskQuotas : IDisposable
{
    private const int Chunk = 1 << 20;

    private readonly List<string> _mounted = [];

    private DiskQuotas(long bytes)
    {
        Bytes = bytes;
    }

    /// <summary>Each mount's size limit.</summary>
    public long Bytes { get; }

    /// <summary>Mounts a tmpfs of <paramref name="bytes"/> on each folder (created when missing); null and the reason when that cannot be done here.</summary>
    public static DiskQuotas? TryMount(IEnumerable<string> folders, long bytes, out string? problem)
    {
        if (!OperatingSystem.IsLinux() || !Environment.IsPrivilegedProcess)
        {
            problem = "it needs root on Linux to mount size-limited tmpfs data folders";
            return null;
        }
        var quotas = new DiskQuotas(bytes);
        foreach (var folder in folders)
        {
            Directory.CreateDirectory(folder);
            var (code, output) = Run("mount", ["-t", "tmpfs", "-o", string.Create(CultureInfo.InvariantCulture, $"size={bytes},mode=0755"), "tmpfs", folder]);
            if (code != 0)
            {
                quotas.Dispose();
                problem = $"mount -t tmpfs on {folder} failed ({code}): {output.Trim()}";
                return null;
            }
            quotas._mounted.Add(folder);
        }
        problem = null;
        return quotas;
    }

    /// <summary>Writes a file into <paramref name="folder"/> until the mount is full; returns its path and how much it holds.</summary>
    public static async Task<(string Path, long Bytes)> FillAsync(string folder, CancellationToken cancellationToken)
    {
        var path = Path.Combine(folder, "fleet-disk-fill.bin");
        var buffer = new byte[Chunk];
        long written = 0;
        try
        {
            await using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.None);
            while (true)
            {
                await file.WriteAsync(buffer, cancellationToken);
                written += buffer.Length;
            }
        }
        catch (IOException)
        {
            // No space left: the point. Top the last bytes up one at a time is not worth it; a MiB short is full enough.
        }
        return (path, written);
    }

    public void Dispose()
    {
        foreach (var folder in _mounted)
        {
            Run("umount", ["-l", folder]);
        }
        _mounted.Clear();
    }

    private static (int Code, string Output) Run(string program, IReadOnlyList<string> arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        try
        {
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, output);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, e.Message);
        }
    }
}
