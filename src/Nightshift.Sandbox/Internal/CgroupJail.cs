using System.Globalization;
using System.Runtime.InteropServices;

namespace Nightshift.Sandbox.Internal;

/// <summary>
/// The cgroups of one command: made and joined by its launcher before the command is known (so no process of the jail
/// is ever outside them), limited when the command arrives, read for limit hits afterwards, swept of leftovers and
/// removed. Never reused: fresh groups need no counters reset and cannot hold an earlier command's page cache.
/// </summary>
internal sealed partial class CgroupJail
{
    private const int SigKill = 9;
    private const long PidfdOpenSyscall = 434;
    private const long PidfdSendSignalSyscall = 424;
    private readonly List<string> _groups = [];
    private readonly string _id;
    private bool _memoryLimited;

    private CgroupJail(CgroupSupport support, string id)
    {
        Support = support;
        _id = id;
    }

    public CgroupSupport Support { get; }

    public string? PidsGroup { get; private set; }

    public string? MemoryGroup { get; private set; }

    public string? CpuGroup { get; private set; }

    /// <summary>The cgroup.procs files the launcher writes its pid to.</summary>
    public IEnumerable<string> ProcsFiles => _groups.Select(g => Path.Join(g, "cgroup.procs"));

    /// <summary>
    /// Makes the groups with no limits yet: a launcher joins them long before it knows its command. The memory group is
    /// made whenever the controller is writable, since whether a command asks for a memory limit is known only later.
    /// </summary>
    public static CgroupJail Create(CgroupSupport support, string id)
    {
        var jail = new CgroupJail(support, id);
        try
        {
            if (support.PidsParent is not null)
            {
                jail.PidsGroup = jail.Make(support.PidsParent, id);
            }
            if (support.MemoryParent is not null)
            {
                jail.MemoryGroup = support.MemoryParent == support.PidsParent && jail.PidsGroup is not null
                    ? jail.PidsGroup
                    : jail.Make(support.MemoryParent, id);
            }
            if (support.CpuParent is not null)
            {
                jail.CpuGroup = support.CpuParent == support.PidsParent && jail.PidsGroup is not null
                    ? jail.PidsGroup
                    : jail.Make(support.CpuParent, id);
            }
            return jail;
        }
        catch
        {
            jail.Remove();
            throw;
        }
    }

    /// <summary>Sets the command's process and memory limits; the groups are fresh, so every counter starts at zero.</summary>
    public void ApplyLimits(SandboxLimits limits)
    {
        if (PidsGroup is not null)
        {
            Write(PidsGroup, "pids.max", limits.Processes?.ToString(CultureInfo.InvariantCulture) ?? "max");
        }
        if (MemoryGroup is not null && limits.MemoryBytes is { } memory)
        {
            var bytes = memory.ToString(CultureInfo.InvariantCulture);
            if (Support.Version2)
            {
                Write(MemoryGroup, "memory.max", bytes);
                TryWrite(MemoryGroup, "memory.swap.max", "0");
            }
            else
            {
                Write(MemoryGroup, "memory.limit_in_bytes", bytes);
                TryWrite(MemoryGroup, "memory.memsw.limit_in_bytes", bytes);
            }
            _memoryLimited = true;
        }
    }

    /// <summary>True when a fork was refused because the jail had as many processes as allowed.</summary>
    public bool ProcessLimitHit() => PidsGroup is not null && ReadCounter(PidsGroup, "pids.events", "max") > 0;

    /// <summary>True when the kernel killed a process of the jail for memory.</summary>
    public bool MemoryLimitHit()
    {
        if (MemoryGroup is null || !_memoryLimited)
        {
            return false;
        }
        return Support.Version2
            ? ReadCounter(MemoryGroup, "memory.events", "oom_kill") > 0
            : ReadCounter(MemoryGroup, "memory.oom_control", "oom_kill") > 0;
    }

    /// <summary>
    /// The CPU time the command's processes used (user and system, every process of the jail), read before the groups
    /// are removed; null where no group accounts it.
    /// </summary>
    public TimeSpan? CpuTime()
    {
        if (CpuGroup is null)
        {
            return null;
        }
        if (Support.Version2)
        {
            return TimeSpan.FromMicroseconds(ReadCounter(CpuGroup, "cpu.stat", "usage_usec"));
        }
        try
        {
            return long.TryParse(File.ReadAllText(Path.Join(CpuGroup, "cpuacct.usage")).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var nanoseconds)
                ? TimeSpan.FromTicks(nanoseconds / 100)
                : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>
    /// Waits for the groups to empty (they do at once: the pid namespace dies with bubblewrap), kills anything that
    /// stays past <paramref name="grace"/>, and removes the groups. Returns how many processes had to be killed.
    /// </summary>
    public async Task<int> SweepAndRemoveAsync(TimeSpan grace, TimeSpan patience)
    {
        var killed = 0;
        var started = Environment.TickCount64;
        foreach (var group in _groups)
        {
            while (true)
            {
                var pids = ReadPids(group);
                var waited = Environment.TickCount64 - started;
                if (pids.Count == 0 || waited > (long)patience.TotalMilliseconds)
                {
                    break;
                }
                if (waited > (long)grace.TotalMilliseconds)
                {
                    killed += pids.Count(pid => KillIfMember(pid, _id));
                }
                await Task.Delay(1).ConfigureAwait(false);
            }
        }
        foreach (var group in Enumerable.Reverse(_groups))
        {
            // A process killed a moment ago leaves the group only once the kernel has reaped it.
            for (var attempt = 0; attempt < 1000 && !TryDelete(group); attempt++)
            {
                await Task.Delay(1).ConfigureAwait(false);
            }
        }
        _groups.Clear();
        return killed;
    }

    private string Make(string parent, string id)
    {
        var group = Path.Join(parent, id);
        Directory.CreateDirectory(group);
        _groups.Add(group);
        return group;
    }

    /// <summary>Removes the groups as far as they are empty (an unused launcher leaves and removes them itself).</summary>
    public void Remove()
    {
        foreach (var group in Enumerable.Reverse(_groups))
        {
            TryDelete(group);
        }
        _groups.Clear();
    }

    private static bool TryDelete(string group)
    {
        try
        {
            Directory.Delete(group);
            return true;
        }
        catch (DirectoryNotFoundException)
        {
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static List<int> ReadPids(string group)
    {
        try
        {
            return File.ReadAllLines(Path.Join(group, "cgroup.procs"))
                .Select(l => int.TryParse(l, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : 0)
                .Where(pid => pid > 0)
                .ToList();
        }
        catch (IOException)
        {
            return [];
        }
    }

    private static long ReadCounter(string group, string file, string key)
    {
        try
        {
            foreach (var line in File.ReadLines(Path.Join(group, file)))
            {
                var parts = line.Split(' ', 2);
                if (parts.Length == 2 && parts[0] == key && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var value))
                {
                    return value;
                }
            }
        }
        catch (IOException)
        {
        }
        return 0;
    }

    private static void Write(string group, string file, string value) => File.WriteAllText(Path.Join(group, file), value);

    private static void TryWrite(string group, string file, string value)
    {
        try
        {
            Write(group, file, value);
        }
        catch (IOException)
        {
            // Swap accounting is optional in the kernel; without swap there is nothing to limit.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    // Pids on a busy host are reused within seconds (pid_max is often 32768), so a pid read from cgroup.procs may name
    // someone else's process by the time it is signalled. A pidfd pins the process first; only then is it checked to
    // be one of ours, and the signal goes to exactly that process or nowhere.
    private static bool KillIfMember(int pid, string id)
    {
        var pidfd = (int)Syscall(PidfdOpenSyscall, pid, 0, 0, 0);
        if (pidfd < 0)
        {
            return false;
        }
        try
        {
            var suffix = "/" + CgroupSupport.GroupName + "/" + id;
            var member = File.ReadLines($"/proc/{pid}/cgroup").Any(l => l.EndsWith(suffix, StringComparison.Ordinal));
            return member && Syscall(PidfdSendSignalSyscall, pidfd, SigKill, 0, 0) == 0;
        }
        catch (IOException)
        {
            return false;
        }
        finally
        {
            _ = Close(pidfd);
        }
    }

    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static partial long Syscall(long number, long a, long b, long c, long d);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
