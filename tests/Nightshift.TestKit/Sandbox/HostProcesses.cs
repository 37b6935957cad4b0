using System.Globalization;

namespace Nightshift.TestKit.Sandbox;

/// <summary>Looks at the host's own process table, from outside any jail.</summary>
public static class HostProcesses
{
    /// <summary>Ids of host processes whose command line contains <paramref name="marker"/>.</summary>
    public static IReadOnlyList<int> WithMarker(string marker)
    {
        var found = new List<int>();
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(folder), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid == Environment.ProcessId)
            {
                continue;
            }
            try
            {
                var commandLine = File.ReadAllText(Path.Join(folder, "cmdline")).Replace('\0', ' ');
                if (commandLine.Contains(marker, StringComparison.Ordinal))
                {
                    found.Add(pid);
                }
            }
            catch (IOException)
            {
                // The process ended while we looked.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
        return found;
    }
}
