using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Nightshift.Workspaces.Repositories;

/// <summary>
/// Decides which repository strings a task may use and normalizes them. Everything not positively recognised is
/// refused, because the string ends up as an argument to git on the host.
/// </summary>
public sealed partial class RepositoryPolicy(IOptions<RepositoryOptions> options)
{
    private readonly RepositoryOptions _options = options.Value;

    /// <summary>Accepts <paramref name="repository"/> or throws <see cref="RepositoryRefusedException"/> saying why and what would allow it.</summary>
    public RepositoryRef Resolve(string? repository)
    {
        if (string.IsNullOrWhiteSpace(repository))
        {
            throw Refused("repository is empty: give an https or ssh URL (https://github.com/owner/repo.git) or an absolute path to a local repository");
        }
        var value = repository.Trim();
        if (value.Length > _options.MaxLength)
        {
            throw Refused($"repository '{Display(value)}' is {value.Length} characters long; at most {_options.MaxLength} are accepted (Repositories:MaxLength)");
        }
        if (value.Any(char.IsControl))
        {
            throw Refused($"repository '{Display(value)}' contains control characters; give the plain URL or path");
        }
        if (value.StartsWith('-'))
        {
            throw Refused($"repository '{Display(value)}' starts with '-', which git would read as an option; give a URL or an absolute path");
        }
        if (value.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            throw Refused($"repository '{Display(value)}' is not allowed: file:// URLs are refused; give the local folder's absolute path instead, under a folder in Repositories:AllowedRoots");
        }
        if (TransportHelper().IsMatch(value))
        {
            throw Refused($"repository '{Display(value)}' is not allowed: git remote helpers ('{value[..value.IndexOf("::", StringComparison.Ordinal)]}::') can run programs; give an https or ssh URL");
        }
        var scheme = SchemePrefix().Match(value);
        if (scheme.Success)
        {
            return scheme.Groups[1].Value.ToLowerInvariant() switch
            {
                "https" => ResolveUrl(value, RepositoryKind.Https),
                "http" => ResolveUrl(value, RepositoryKind.Http),
                "ssh" or "git+ssh" or "ssh+git" => ResolveUrl(value, RepositoryKind.Ssh),
                var other => throw Refused($"repository '{Display(value)}' is not allowed: the {other}:// scheme is not supported; use https:// or ssh://"),
            };
        }
        if (value.StartsWith('/'))
        {
            return ResolveLocal(value);
        }
        var scp = ScpLike().Match(value);
        if (scp.Success)
        {
            return ResolveScp(value, scp);
        }
        throw Refused($"repository '{Display(value)}' is neither a URL (https://host/owner/repo.git, git@host:owner/repo.git) nor an absolute path to a local repository");
    }

    private RepositoryRef ResolveUrl(string value, RepositoryKind kind)
    {
        var rest = value[(value.IndexOf("://", StringComparison.Ordinal) + 3)..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var authority = slash < 0 ? rest : rest[..slash];
        var path = slash < 0 ? "" : rest[slash..];
        string? user = null;
        var at = authority.LastIndexOf('@');
        if (at >= 0)
        {
            var userInfo = authority[..at];
            authority = authority[(at + 1)..];
            if (kind != RepositoryKind.Ssh || userInfo.Contains(':', StringComparison.Ordinal))
            {
                throw Refused($"repository '{Display(value)}' carries credentials in its URL; remove them and give the token to the worker's push credentials instead");
            }
            if (!UserName().IsMatch(userInfo))
            {
                throw Refused($"repository '{Display(value)}' has a user name git cannot use safely; use letters, digits, '.', '_' or '-'");
            }
            user = userInfo;
        }
        if (kind == RepositoryKind.Http && !_options.AllowInsecureHttp)
        {
            throw Refused($"repository '{Display(value)}' is not allowed: plain http:// is refused; use https://, or set Repositories:AllowInsecureHttp to true for a forge on your own network");
        }
        var (host, port) = SplitHostPort(value, authority);
        CheckHost(value, host);
        CheckPath(value, path, leadingSlash: true);
        var normalized = kind switch
        {
            RepositoryKind.Ssh => $"ssh://{(user is null ? "" : user + "@")}{HostForUrl(host)}{(port is null ? "" : ":" + port)}{path}",
            RepositoryKind.Http => $"http://{HostForUrl(host)}{(port is null ? "" : ":" + port)}{path}",
            _ => $"https://{HostForUrl(host)}{(port is null ? "" : ":" + port)}{path}",
        };
        return new RepositoryRef(kind, normalized, RemoteKey(kind, host, port, path));
    }

    private RepositoryRef ResolveScp(string value, Match scp)
    {
        var user = scp.Groups["user"].Success ? scp.Groups["user"].Value : null;
        var host = scp.Groups["host"].Value.ToLowerInvariant().TrimEnd('.');
        var path = scp.Groups["path"].Value;
        if (user is not null && !UserName().IsMatch(user))
        {
            throw Refused($"repository '{Display(value)}' has a user name git cannot use safely; use letters, digits, '.', '_' or '-'");
        }
        CheckHostSyntax(value, host);
        CheckHost(value, host);
        CheckPath(value, path, leadingSlash: false);
        var normalized = $"{(user is null ? "" : user + "@")}{host}:{path}";
        return new RepositoryRef(RepositoryKind.Ssh, normalized, RemoteKey(RepositoryKind.Ssh, host, null, "/" + path.TrimStart('/')));
    }

    private RepositoryRef ResolveLocal(string value)
    {
        string real;
        try
        {
            real = LocalPaths.RealPath(value);
        }
        catch (IOException e)
        {
            throw Refused($"local repository '{Display(value)}' cannot be resolved: {e.Message}");
        }
        var roots = _options.AllowedRoots.Where(r => !string.IsNullOrWhiteSpace(r) && r.StartsWith('/')).Select(r => LocalPaths.RealPath(r.Trim())).ToList();
        if (!roots.Any(root => LocalPaths.IsUnder(real, root)))
        {
            var current = roots.Count == 0 ? "none" : string.Join(", ", roots);
            var folder = Display(real);
            throw Refused(
                $"local repository '{Display(value)}' is not allowed: only folders under Repositories:AllowedRoots are (currently {current}). "
                + $"To allow it, restart the server with `nightshift up --allow-repo {folder}` (or `nightshift worker --allow-repo {folder}`), "
                + $"or set the environment variable NIGHTSHIFT__Repositories__AllowedRoots__0={folder}, "
                + $"or add \"Repositories\": {{ \"AllowedRoots\": [ \"{folder}\" ] }} to appsettings.json in the data folder");
        }
        if (!Directory.Exists(real))
        {
            throw Refused($"local repository '{Display(value)}' does not exist or is not a folder; check the path");
        }
        var isWorking = Path.Exists(Path.Combine(real, ".git"));
        var isBare = File.Exists(Path.Combine(real, "HEAD")) && Directory.Exists(Path.Combine(real, "objects")) && Directory.Exists(Path.Combine(real, "refs"));
        if (!isWorking && !isBare)
        {
            throw Refused($"local folder '{Display(value)}' is not a git repository (no .git inside, and not a bare repository); run `git init` there or give the repository's root");
        }
        var name = Sanitize(Path.GetFileName(real.TrimEnd('/')));
        return new RepositoryRef(RepositoryKind.LocalPath, real, $"local-{name}-{Hash("local:" + real)}");
    }

    private (string Host, string? Port) SplitHostPort(string value, string authority)
    {
        string host;
        string? port = null;
        if (authority.StartsWith('['))
        {
            var close = authority.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                throw Refused($"repository '{Display(value)}' has a malformed address in brackets");
            }
            host = authority[..(close + 1)];
            var after = authority[(close + 1)..];
            if (after.Length > 0)
            {
                if (!after.StartsWith(':'))
                {
                    throw Refused($"repository '{Display(value)}' has a malformed host");
                }
                port = after[1..];
            }
        }
        else
        {
            var colon = authority.LastIndexOf(':');
            host = colon < 0 ? authority : authority[..colon];
            port = colon < 0 ? null : authority[(colon + 1)..];
            host = host.ToLowerInvariant().TrimEnd('.');
            CheckHostSyntax(value, host);
        }
        if (port is not null && (!port.All(char.IsAsciiDigit) || !int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var p) || p is < 1 or > 65535))
        {
            throw Refused($"repository '{Display(value)}' has an invalid port; use a number from 1 to 65535");
        }
        return (host, port);
    }

    private void CheckHostSyntax(string value, string host)
    {
        if (host.Length == 0 || host.Length > 253 || !HostName().IsMatch(host))
        {
            throw Refused($"repository '{Display(value)}' has a malformed host name; use a plain DNS name such as github.com");
        }
    }

    private void CheckHost(string value, string host)
    {
        var literal = host.StartsWith('[') ? host[1..^1] : AddressClassifier.LooksNumeric(host) ? host : null;
        bool local;
        if (literal is not null)
        {
            if (!IPAddress.TryParse(literal, out var address))
            {
                throw Refused($"repository '{Display(value)}' has a malformed address '{Shown(host)}'");
            }
            local = AddressClassifier.IsNonPublic(address);
        }
        else
        {
            local = AddressClassifier.IsLocalName(host);
        }
        if (local && !_options.AllowPrivateAddresses)
        {
            throw Refused($"repository '{Display(value)}' is not allowed: '{Shown(host)}' is a loopback, private or local address; a forge on your own network needs Repositories:AllowPrivateAddresses set to true and its host in Repositories:AllowedHosts");
        }
        var allowed = _options.EffectiveAllowedHosts;
        if (!allowed.Any(pattern => HostMatches(host, pattern)))
        {
            var current = allowed.Count == 0 ? "none" : string.Join(", ", allowed);
            throw Refused($"repository '{Display(value)}' is not allowed: only hosts in Repositories:AllowedHosts are (currently {current})");
        }
    }

    private void CheckPath(string value, string path, bool leadingSlash)
    {
        var body = leadingSlash ? path.TrimStart('/') : path;
        if (leadingSlash && !path.StartsWith('/'))
        {
            throw Refused($"repository '{Display(value)}' names no repository path; give the full clone URL (https://host/owner/repo.git)");
        }
        if (body.Trim('/').Length == 0)
        {
            throw Refused($"repository '{Display(value)}' names no repository path; give the full clone URL (https://host/owner/repo.git)");
        }
        var bad = body.FirstOrDefault(c => !(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '/' or '~' or '+'));
        if (bad != default)
        {
            throw Refused($"repository '{Display(value)}' contains '{bad}', which is not accepted in a repository path; give the plain clone URL");
        }
        if (body.StartsWith('-') || body.Split('/').Any(s => s is ".." || s.StartsWith('-')) || body.Contains("//", StringComparison.Ordinal))
        {
            throw Refused($"repository '{Display(value)}' has a path with '..', '//' or a segment starting with '-'; give the plain clone URL");
        }
    }

    private static bool HostMatches(string host, string pattern)
    {
        var p = pattern.Trim().ToLowerInvariant().TrimEnd('.');
        return p.StartsWith("*.", StringComparison.Ordinal)
            ? host.EndsWith(p[1..], StringComparison.Ordinal) && host.Length > p.Length - 1
            : host == p;
    }

    private static string HostForUrl(string host) => host;

    private static string RemoteKey(RepositoryKind kind, string host, string? port, string path)
    {
        var trimmed = path.Trim('/');
        if (trimmed.EndsWith(".git", StringComparison.OrdinalIgnoreCase))
        {
            trimmed = trimmed[..^4];
        }
        var family = kind == RepositoryKind.Ssh ? "ssh" : "web";
        var readable = Sanitize($"{host}{(port is null ? "" : "-" + port)}-{trimmed}");
        return $"{readable}-{Hash($"{family}:{host}:{port}:{trimmed}")}";
    }

    private static string Sanitize(string text)
    {
        var builder = new StringBuilder();
        foreach (var c in text.ToLowerInvariant())
        {
            var keep = char.IsAsciiLetterOrDigit(c) || c is '.' or '_';
            if (keep)
            {
                builder.Append(c);
            }
            else if (builder.Length > 0 && builder[^1] != '-')
            {
                builder.Append('-');
            }
        }
        var result = builder.ToString().Trim('-', '.');
        result = result.Length > 60 ? result[..60].TrimEnd('-', '.') : result;
        return result.Length == 0 ? "repo" : result;
    }

    private static string Hash(string text) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..12];

    /// <summary>A value safe to put in a message: bounded and without control characters.</summary>
    internal static string Shown(string value)
    {
        var clean = new string([.. value.Select(c => char.IsControl(c) ? '?' : c)]);
        return clean.Length <= 200 ? clean : clean[..200] + "…";
    }

    /// <summary>The input as it may appear in a message: any user information in a URL is masked, since it may be a password.</summary>
    internal static string Display(string value)
    {
        var start = value.IndexOf("://", StringComparison.Ordinal);
        if (start >= 0)
        {
            var authorityEnd = value.IndexOf('/', start + 3);
            var authority = authorityEnd < 0 ? value[(start + 3)..] : value[(start + 3)..authorityEnd];
            var at = authority.LastIndexOf('@');
            if (at >= 0)
            {
                value = value[..(start + 3)] + "***" + value[(start + 3 + at)..];
            }
        }
        return Shown(value);
    }

    private static RepositoryRefusedException Refused(string message) => new(message);

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9+.\-]*::")]
    private static partial Regex TransportHelper();

    [GeneratedRegex(@"^([A-Za-z][A-Za-z0-9+.\-]*)://")]
    private static partial Regex SchemePrefix();

    [GeneratedRegex(@"^(?:(?<user>[^@/:]+)@)?(?<host>[A-Za-z0-9.\-]+):(?<path>[^/].*|/.+)$")]
    private static partial Regex ScpLike();

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9._\-]{0,63}$")]
    private static partial Regex UserName();

    [GeneratedRegex(@"^(?=.{1,253}$)([a-z0-9_](?:[a-z0-9_\-]{0,61}[a-z0-9_])?)(\.[a-z0-9_](?:[a-z0-9_\-]{0,61}[a-z0-9_])?)*$")]
    private static partial Regex HostName();
}
