using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Nightshift.Workspaces.Files;

namespace Nightshift.Workspaces.SetupCache;

/// <summary>
/// What the jail's toolchain is, as the setup cache's key takes it in: the host's <c>/etc/os-release</c>, the package
/// database's size and time (any apt install or upgrade changes it), and the kind, size and modification time of the
/// folders the jail mounts read-only (<c>/usr</c> and its main folders, <c>/usr/local</c>, <c>/opt</c>, the
/// configured toolchain paths) and of the folders directly inside the toolchain paths and <c>/usr/local</c> and
/// <c>/opt</c>. A folder's time moves whenever something is added to, removed from or replaced in it, so a new
/// compiler or runtime version gives new keys; a file rewritten in place deeper down would not (package managers
/// replace files, they do not rewrite them).
/// </summary>
public static class SandboxImage
{
    private const int MaxOsReleaseBytes = 16 * 1024;
    private const int MaxChildren = 256;

    private static readonly string[] Roots =
    [
        "/usr", "/usr/bin", "/usr/sbin", "/usr/lib", "/usr/lib64", "/usr/libexec", "/usr/share", "/usr/local", "/usr/local/bin", "/usr/local/lib",
        "/opt", "/bin", "/lib", "/lib64", "/var/lib/dpkg/status", "/var/lib/rpm", "/etc/ld.so.cache",
    ];

    private static readonly string[] Expanded = ["/usr/local", "/opt", "/usr/lib/jvm", "/usr/share/dotnet", "/usr/lib/dotnet"];

    /// <summary>A SHA-256 over the description above (64 hex digits).</summary>
    public static string Fingerprint(IEnumerable<string>? toolchainPaths = null)
    {
        var text = new StringBuilder();
        text.Append("os-release ").Append(OsRelease()).Append('\n');
        var toolchain = (toolchainPaths ?? []).ToList();
        foreach (var path in Roots.Concat(toolchain))
        {
            Describe(text, path);
        }
        foreach (var folder in Expanded.Concat(toolchain))
        {
            if (UnixFiles.StatPath(folder, out _) is not { Kind: RepoFileKind.Directory })
            {
                continue;
            }
            var listing = RepoTree.Walk(folder, "", new RepoWalkOptions { MaxDepth = 0, MaxEntries = MaxChildren, MaxTime = TimeSpan.FromSeconds(2) });
            foreach (var entry in listing.Entries)
            {
                Describe(text, Path.Join(folder, entry.Path));
            }
        }
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    private static void Describe(StringBuilder text, string path)
    {
        var info = UnixFiles.StatPath(path, out _);
        text.Append(path).Append(' ');
        if (info is null)
        {
            text.Append("missing\n");
            return;
        }
        text.Append(info.Kind.ToString()).Append(' ')
            .Append(info.Size.ToString(CultureInfo.InvariantCulture)).Append(' ')
            .Append(info.LastWriteTicks.ToString(CultureInfo.InvariantCulture)).Append('\n');
    }

    private static string OsRelease()
    {
        foreach (var path in new[] { "/etc/os-release", "/usr/lib/os-release" })
        {
            try
            {
                // The host's own system file, never repository content; bounded like everything else read.
                var info = new FileInfo(path);
                if (info.Exists && info.Length <= MaxOsReleaseBytes)
                {
                    return File.ReadAllText(path);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return "unreadable";
            }
        }
        return "none";
    }
}
