namespace Nightshift.Sandbox.Internal;

/// <summary>Resolves host paths before they are mounted, so a symlink cannot turn a worktree into /etc.</summary>
internal static class HostPaths
{
    private const int MaxLinkHops = 40;

    // Mounting any of these read-write (or a folder above them) would hand the jail the host.
    private static readonly string[] ForbiddenRoots = ["/proc", "/sys", "/dev", "/etc", "/usr", "/boot", "/bin", "/sbin", "/lib", "/lib64", "/run", "/var/run"];

    /// <summary>The absolute path with every symlink on the way resolved, like realpath(3); the path need not exist.</summary>
    public static string ResolveRealPath(string path)
    {
        var full = Path.GetFullPath(path);
        var hops = 0;
        var resolved = "/";
        var pending = new Stack<string>(full.Split('/', StringSplitOptions.RemoveEmptyEntries).Reverse());
        while (pending.TryPop(out var part))
        {
            if (part == ".")
            {
                continue;
            }
            if (part == "..")
            {
                resolved = Path.GetDirectoryName(resolved) ?? "/";
                continue;
            }
            var candidate = Path.Join(resolved, part);
            var info = new FileInfo(candidate);
            if (info.LinkTarget is { } target)
            {
                if (++hops > MaxLinkHops)
                {
                    throw new IOException($"too many symbolic links while resolving '{path}'");
                }
                var parts = target.Split('/', StringSplitOptions.RemoveEmptyEntries);
                for (var i = parts.Length - 1; i >= 0; i--)
                {
                    pending.Push(parts[i]);
                }
                if (target.StartsWith('/'))
                {
                    resolved = "/";
                }
                continue;
            }
            resolved = candidate;
        }
        return resolved;
    }

    /// <summary>Why <paramref name="realPath"/> may not be mounted read-write into the jail, or null when it may.</summary>
    public static string? WhyNotWritableMount(string realPath)
    {
        if (realPath == "/")
        {
            return "it is the host's root folder";
        }
        foreach (var root in ForbiddenRoots)
        {
            if (realPath == root || realPath.StartsWith(root + "/", StringComparison.Ordinal))
            {
                return $"it is inside the host's system folder {root}";
            }
        }
        if (realPath.Count(c => c == '/') < 2)
        {
            return "it is a top-level folder of the host";
        }
        return null;
    }
}
