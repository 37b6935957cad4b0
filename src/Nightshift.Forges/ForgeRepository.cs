namespace Nightshift.Forges;

/// <summary>
/// Where a repository address points on a forge: its host (with :port for http(s) addresses off the default port) and
/// its path split into owner (a user, organisation or GitLab group path) and name, without ".git".
/// </summary>
public sealed record ForgeRepository(string Host, string Owner, string Name)
{
    public override string ToString() => $"{Owner}/{Name}";

    /// <returns>the parsed address, or null for local paths, file:// addresses and anything without host, owner and name.</returns>
    public static ForgeRepository? TryParse(string? address)
    {
        if (string.IsNullOrWhiteSpace(address) || address.Length > 2_000 || address.Any(char.IsControl))
        {
            return null;
        }
        address = address.Trim();
        string host;
        string path;
        if (Uri.TryCreate(address, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http" or "ssh" or "git+ssh" or "ssh+git")
        {
            host = uri.Host.ToLowerInvariant();
            if (uri.Scheme is "https" or "http" && !uri.IsDefaultPort)
            {
                host += ":" + uri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
            path = Uri.UnescapeDataString(uri.AbsolutePath);
        }
        else if (!address.StartsWith('/') && !address.Contains("://", StringComparison.Ordinal)
            && address.IndexOf(':', StringComparison.Ordinal) is var colon and > 0)
        {
            // scp-like: git@github.com:owner/name.git
            var authority = address[..colon];
            host = authority[(authority.LastIndexOf('@') + 1)..].ToLowerInvariant();
            path = address[(colon + 1)..];
        }
        else
        {
            return null;
        }
        var segments = path.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (host.Length == 0 || segments.Length < 2 || segments.Any(s => s is "." or ".."))
        {
            return null;
        }
        var name = segments[^1].EndsWith(".git", StringComparison.OrdinalIgnoreCase) ? segments[^1][..^4] : segments[^1];
        return name.Length == 0 ? null : new ForgeRepository(host, string.Join('/', segments[..^1]), name);
    }
}
