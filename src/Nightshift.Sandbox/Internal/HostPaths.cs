namespace Nightshift.Sandbox.Internal;

/// <summary>Which resolved host paths (see <see cref="RealPaths"/>) may be mounted writable into a jail.</summary>
internal static class HostPaths
{
    // Mounting any of these read-write (or a folder above them) would hand the jail the host.
    private static readonly string[] ForbiddenRoots = ["/proc", "/sys", "/dev", "/etc", "/usr", "/boot", "/bin", "/sbin", "/lib", "/lib64", "/run", "/var/run"];

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
