namespace Nightshift.Sandbox.Internal;

/// <summary>
/// Which cgroup controllers the worker may create child groups in. RLIMIT_NPROC does not bind processes whose real
/// uid is root (the kernel exempts root), and a jail's processes keep the worker's real uid, so on a root host only a
/// pids cgroup can stop a fork bomb. Version 1 hierarchies (one mount per controller) and a delegated version 2
/// subtree are both understood.
/// </summary>
internal sealed class CgroupSupport
{
    public const string GroupName = "nightshift-sandbox";

    private CgroupSupport(string? pidsParent, string? memoryParent, bool version2, string description, string? cpuParent = null)
    {
        PidsParent = pidsParent;
        MemoryParent = memoryParent;
        CpuParent = cpuParent;
        Version2 = version2;
        Description = description;
    }

    public static CgroupSupport None { get; } = new(null, null, false, "no writable cgroup: process and memory limits fall back to rlimits");

    /// <summary>The folder in which one child group per command is made for the pids controller.</summary>
    public string? PidsParent { get; }

    /// <summary>The same for the memory controller (the same folder as <see cref="PidsParent"/> under version 2).</summary>
    public string? MemoryParent { get; }

    /// <summary>
    /// The folder in which one child group per command is made to account its CPU time (v1: the cpuacct controller;
    /// v2: the same folder as <see cref="PidsParent"/>, since every v2 group reports cpu.stat); null when none is writable.
    /// </summary>
    public string? CpuParent { get; }

    public bool Version2 { get; }

    /// <summary>What was found, for the doctor check and the log.</summary>
    public string Description { get; }

    public static CgroupSupport Detect()
    {
        try
        {
            var memberships = File.ReadAllLines("/proc/self/cgroup");
            var mounts = File.ReadAllLines("/proc/self/mountinfo");
            var pids = DetectVersion1("pids", memberships, mounts);
            var memory = DetectVersion1("memory", memberships, mounts);
            if (pids is not null || memory is not null)
            {
                var cpu = DetectVersion1("cpuacct", memberships, mounts);
                return new CgroupSupport(pids, memory, false,
                    $"cgroup v1: pids {(pids is null ? "not writable" : "at " + pids)}, memory {(memory is null ? "not writable" : "at " + memory)}", cpu);
            }
            return DetectVersion2(memberships, mounts) ?? None;
        }
        catch (IOException)
        {
            return None;
        }
        catch (UnauthorizedAccessException)
        {
            return None;
        }
    }

    private static string? DetectVersion1(string controller, string[] memberships, string[] mounts)
    {
        var own = memberships.Select(l => l.Split(':', 3))
            .FirstOrDefault(p => p.Length == 3 && p[1].Split(',').Contains(controller))?[2];
        if (own is null)
        {
            return null;
        }
        foreach (var line in mounts)
        {
            var (root, mountPoint, fsType, superOptions) = ParseMount(line);
            if (fsType != "cgroup" || !superOptions.Split(',').Contains(controller))
            {
                continue;
            }
            var relative = own.StartsWith(root, StringComparison.Ordinal) ? own[root.Length..] : own;
            var parent = Path.Join(mountPoint, relative, GroupName);
            return TryCreate(parent) ? parent : null;
        }
        return null;
    }

    private static CgroupSupport? DetectVersion2(string[] memberships, string[] mounts)
    {
        var own = memberships.FirstOrDefault(l => l.StartsWith("0::", StringComparison.Ordinal))?[3..];
        var mount = mounts.Select(ParseMount).FirstOrDefault(m => m.FsType == "cgroup2");
        if (own is null || mount.MountPoint is null)
        {
            return null;
        }
        var ownDir = Path.Join(mount.MountPoint, own);
        var enabled = File.ReadAllText(Path.Join(ownDir, "cgroup.subtree_control")).Split(' ', StringSplitOptions.TrimEntries);
        if (!enabled.Contains("pids") && !enabled.Contains("memory"))
        {
            return null;
        }
        var parent = Path.Join(ownDir, GroupName);
        if (!TryCreate(parent))
        {
            return null;
        }
        var wanted = string.Join(' ', new[] { "pids", "memory" }.Where(enabled.Contains).Select(c => "+" + c));
        try
        {
            File.WriteAllText(Path.Join(parent, "cgroup.subtree_control"), wanted);
        }
        catch (IOException)
        {
            return null;
        }
        var pids = enabled.Contains("pids") ? parent : null;
        var memory = enabled.Contains("memory") ? parent : null;
        return new CgroupSupport(pids, memory, true, $"cgroup v2 at {parent} ({wanted})", parent);
    }

    private static bool TryCreate(string parent)
    {
        try
        {
            Directory.CreateDirectory(parent);
            return File.Exists(Path.Join(parent, "cgroup.procs"));
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static (string Root, string? MountPoint, string FsType, string SuperOptions) ParseMount(string line)
    {
        // id parent major:minor root mount-point options [optional fields] - fstype source super-options
        var fields = line.Split(' ');
        var dash = Array.IndexOf(fields, "-");
        if (fields.Length < 5 || dash < 0 || dash + 3 >= fields.Length)
        {
            return ("", null, "", "");
        }
        return (Unescape(fields[3]), Unescape(fields[4]), fields[dash + 1], fields[dash + 3]);
    }

    private static string Unescape(string field) => field.Replace("\\040", " ", StringComparison.Ordinal);
}
