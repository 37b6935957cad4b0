namespace Nightshift.Forges.Rest;

/// <summary>
/// The project a repository address names on a forge: the path segments after the host, without ".git" and without
/// the sub-path a forge may be served under (https://host/gitlab/group/app when the API is https://host/gitlab/api/v4).
/// </summary>
internal sealed record RepositoryPath(string Host, IReadOnlyList<string> Segments)
{
    /// <summary>GitLab allows 20 levels of nested groups; anything deeper is not a project address.</summary>
    public const int MaxSegments = 21;

    public const int MaxSegmentLength = 255;

    /// <summary>"group/sub/app".</summary>
    public string Path => string.Join('/', Segments);

    /// <summary>
    /// Reads https://, http://, ssh:// and scp-like (git@host:group/app.git) addresses. Throws a <see cref="ForgeException"/>
    /// that names the address (without any credential in it) when it is not a project on <paramref name="endpoint"/>.
    /// </summary>
    public static RepositoryPath Parse(string repo, ForgeEndpoint endpoint, string product)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        if (string.IsNullOrWhiteSpace(repo))
        {
            throw new ForgeException($"no repository address was given to {product} ({endpoint.Name}): a task needs the https or ssh address of its repository");
        }
        var (host, path) = Split(repo.Trim())
            ?? throw new ForgeException($"'{Shown(repo)}' is not a repository address {product} ({endpoint.Name}) understands: use https://{endpoint.Host}/group/project.git or git@{HostName(endpoint.Host)}:group/project.git");
        if (!string.Equals(host, HostName(endpoint.Host), StringComparison.OrdinalIgnoreCase))
        {
            throw new ForgeException($"repository '{Shown(repo)}' is on {host}, not on {HostName(endpoint.Host)} where {endpoint.Name} publishes: configure a forge for {host}");
        }
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries).ToList();
        var prefix = ServedUnder(endpoint.ApiUrl);
        if (prefix.Count > 0 && segments.Count > prefix.Count
            && prefix.Select((p, i) => string.Equals(p, segments[i], StringComparison.OrdinalIgnoreCase)).All(same => same))
        {
            segments.RemoveRange(0, prefix.Count);
        }
        if (segments.Count > 0 && segments[^1].EndsWith(".git", StringComparison.OrdinalIgnoreCase))
        {
            segments[^1] = segments[^1][..^4];
        }
        if (segments.Count < 2 || segments.Count > MaxSegments || segments.Any(s => !ValidSegment(s)))
        {
            throw new ForgeException($"'{Shown(repo)}' does not name a project on {product} ({endpoint.Name}): expected owner/project (GitLab also group/subgroup/project), each part at most {MaxSegmentLength} characters without control characters, '.' or '..'");
        }
        return new RepositoryPath(host, segments);
    }

    /// <summary>The address as it may appear in a message: scheme, host and path only, never a user or password.</summary>
    public static string Shown(string repo)
    {
        var text = repo.Trim();
        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.IsAbsoluteUri && !string.IsNullOrEmpty(uri.Host))
        {
            text = $"{uri.Scheme}://{uri.Authority}{uri.AbsolutePath}";
        }
        else if (text.IndexOf('@', StringComparison.Ordinal) is var at and >= 0)
        {
            text = text[(at + 1)..];
        }
        text = new string([.. text.Select(c => char.IsControl(c) ? ' ' : c)]);
        return text.Length <= 200 ? text : text[..200] + "…";
    }

    private static (string Host, string Path)? Split(string repo)
    {
        if (repo.Contains("://", StringComparison.Ordinal))
        {
            if (!Uri.TryCreate(repo, UriKind.Absolute, out var uri)
                || uri.Scheme is not ("https" or "http" or "ssh" or "git+ssh")
                || string.IsNullOrEmpty(uri.Host))
            {
                return null;
            }
            return (uri.IdnHost.Trim('[', ']'), Uri.UnescapeDataString(uri.AbsolutePath));
        }
        // scp-like: [user@]host:path, the form git itself accepts for ssh.
        var colon = repo.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || repo.Contains('\\', StringComparison.Ordinal))
        {
            return null;
        }
        var authority = repo[..colon];
        var host = authority[(authority.LastIndexOf('@') + 1)..];
        if (host.Length == 0 || host.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '.' or '-')))
        {
            return null;
        }
        return (host, repo[(colon + 1)..]);
    }

    private static bool ValidSegment(string segment) =>
        segment.Length <= MaxSegmentLength
        && segment is not ("." or "..")
        && !segment.Any(c => char.IsControl(c) || c is '\\' or '?' or '#' or '%');

    /// <summary>"gitlab.example.com:8443" → "gitlab.example.com"; "[::1]:3000" → "::1".</summary>
    internal static string HostName(string hostAndPort)
    {
        if (Uri.TryCreate("http://" + hostAndPort, UriKind.Absolute, out var uri) && !string.IsNullOrEmpty(uri.Host))
        {
            return uri.IdnHost.Trim('[', ']');
        }
        return hostAndPort;
    }

    /// <summary>The folders before "/api/vN" in the API address: where the forge's web pages (and repositories) live.</summary>
    private static List<string> ServedUnder(Uri apiUrl)
    {
        var parts = apiUrl.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries).ToList();
        var api = parts.FindLastIndex(p => p.Equals("api", StringComparison.OrdinalIgnoreCase));
        return api > 0 ? parts[..api] : [];
    }
}
