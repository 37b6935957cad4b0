using System.Globalization;

namespace Nightshift.Bench.Storage;

/// <summary>
/// CPU time used by a PostgreSQL server: the postmaster and every process it started (backends, WAL writer,
/// checkpointer), read from /proc. Backends that exit between two readings take their time with them, which the
/// benchmark avoids by keeping its pools open.
/// </summary>
internal sealed class ServerCpu(int postmasterPid)
{
    private static readonly double TicksPerSecond = 100;

    public static ServerCpu? FromDataFolder(string dataFolder)
    {
        var pidFile = Path.Combine(dataFolder, "postmaster.pid");
        return File.Exists(pidFile) && int.TryParse(File.ReadLines(pidFile).First(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
            ? new ServerCpu(pid)
            : null;
    }

    public TimeSpan Read()
    {
        long ticks = 0;
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(folder), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }
            try
            {
                var stat = File.ReadAllText(Path.Combine(folder, "stat"));
                // Fields after the command name, which is in parentheses and may contain spaces.
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                var parent = int.Parse(fields[1], CultureInfo.InvariantCulture);
                if (pid == postmasterPid || parent == postmasterPid)
                {
                    ticks += long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
                }
            }
            catch (IOException)
            {
                // The process ended while being read.
            }
        }
        return TimeSpan.FromSeconds(ticks / TicksPerSecond);
    }
}
