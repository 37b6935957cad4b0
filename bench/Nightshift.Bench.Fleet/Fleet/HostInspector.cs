using System.Globalization;
using System.Text.RegularExpressions;
using Nightshift.Bench.Fleet.Contracts;

namespace Nightshift.Bench.Fleet.Fleet;

/// <summary>
/// Looks at the host from /proc: the resident memory of the workers with all their descendants (jails and commands
/// included), sampled while the run goes; and after the final stop, what was left behind (processes naming the run's
/// folder, worktree folders under the workers' data folders).
/// </summary>
public sealed partial class HostInspector(FleetProcesses processes, FleetStore store, string runFolder)
{
    private readonly Lock _gate = new();
    private readonly List<MemorySample> _samples = [];

    public IReadOnlyList<MemorySample> Samples
    {
        get
        {
            lock (_gate)
            {
                return [.. _samples];
            }
        }
    }

    /// <summary>Takes a sample every <paramref name="every"/> until stopped (a sample the database cannot answer for is skipped).</summary>
    public async Task SampleAsync(TimeSpan every, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var workers = processes.Current;
            var rss = TreeRss(workers.Select(w => w.ProcessId));
            var (running, problem) = await store.TryRunningTaskIdsAsync(null, CancellationToken.None);
            if (problem is null)
            {
                lock (_gate)
                {
                    _samples.Add(new MemorySample(DateTimeOffset.UtcNow, rss, workers.Count, running.Count));
                }
            }
            try
            {
                await Task.Delay(every, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>The resident bytes of these processes and every descendant of theirs.</summary>
    public static long TreeRss(IEnumerable<int> roots)
    {
        var parents = ParentMap();
        var wanted = new HashSet<int>(roots);
        var changed = true;
        while (changed)
        {
            changed = false;
            foreach (var (pid, parent) in parents)
            {
                if (wanted.Contains(parent) && wanted.Add(pid))
                {
                    changed = true;
                }
            }
        }
        return wanted.Sum(Rss);
    }

    /// <summary>
    /// What the workers left after their final stop: processes whose command line names the run's folder (waiting up to
    /// <paramref name="settle"/> for ones on their way out), other than <paramref name="exclude"/>; and worktree folders.
    /// </summary>
    public async Task<HostLeftovers> LeftoversAsync(IReadOnlyCollection<int> exclude, TimeSpan settle, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow + settle;
        var left = FindProcesses(exclude);
        while (left.Count > 0 && DateTimeOffset.UtcNow < deadline)
        {
            await Task.Delay(250, cancellationToken);
            left = FindProcesses(exclude);
        }
        return new HostLeftovers(left, FindWorktrees());
    }

    private List<LeftoverProcess> FindProcesses(IReadOnlyCollection<int> exclude)
    {
        var found = new List<LeftoverProcess>();
        var self = Environment.ProcessId;
        foreach (var pid in ProcessIds())
        {
            if (pid == self || exclude.Contains(pid))
            {
                continue;
            }
            var commandLine = CommandLine(pid);
            if (commandLine is null || !commandLine.Contains(runFolder, StringComparison.Ordinal))
            {
                continue;
            }
            var worker = WorkerFolder().Match(commandLine[commandLine.IndexOf(runFolder, StringComparison.Ordinal)..]);
            found.Add(new LeftoverProcess(pid, commandLine, worker.Success ? worker.Groups[1].Value : ""));
        }
        return found;
    }

    private List<LeftoverWorktree> FindWorktrees()
    {
        var found = new List<LeftoverWorktree>();
        foreach (var label in processes.Labels)
        {
            var worktrees = Path.Combine(processes.DataFolderOf(label), "worktrees");
            if (!Directory.Exists(worktrees))
            {
                continue;
            }
            foreach (var entry in Directory.EnumerateDirectories(worktrees).Order(StringComparer.Ordinal))
            {
                var name = Path.GetFileName(entry);
                if (name.EndsWith(".subtasks", StringComparison.Ordinal))
                {
                    var taskId = name[..^".subtasks".Length];
                    found.AddRange(Directory.EnumerateDirectories(entry).Order(StringComparer.Ordinal).Select(sub => new LeftoverWorktree(sub, label, taskId)));
                }
                else
                {
                    found.Add(new LeftoverWorktree(entry, label, name.Contains('.', StringComparison.Ordinal) ? null : name));
                }
            }
        }
        return found;
    }

    private static IEnumerable<int> ProcessIds() =>
        Directory.EnumerateDirectories("/proc")
            .Select(Path.GetFileName)
            .Select(name => int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : 0)
            .Where(pid => pid > 0);

    private static Dictionary<int, int> ParentMap()
    {
        var parents = new Dictionary<int, int>();
        foreach (var pid in ProcessIds())
        {
            var stat = Read($"/proc/{pid}/stat");
            // "pid (comm) state ppid …": comm may hold spaces and parentheses, so read after the last ')'.
            var close = stat?.LastIndexOf(')') ?? -1;
            if (close < 0)
            {
                continue;
            }
            var fields = stat![(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length > 1 && int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var parent))
            {
                parents[pid] = parent;
            }
        }
        return parents;
    }

    private static long Rss(int pid)
    {
        var status = Read($"/proc/{pid}/status");
        var line = status?.Split('\n').FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        if (line is null)
        {
            return 0;
        }
        var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length >= 2 && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var kib) ? kib * 1024 : 0;
    }

    private static string? CommandLine(int pid) => Read($"/proc/{pid}/cmdline")?.Replace('\0', ' ').Trim();

    private static string? Read(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // the process ended meanwhile
        }
    }

    [GeneratedRegex(@"^[^ ]*?/(w\d+)(/| |$)")]
    private static partial Regex WorkerFolder();
}
