using System.Globalization;
using System.Net;
using System.Text;

namespace Nightshift.Sandbox.Network;

/// <summary>
/// Reads a request head sent to the egress proxy, strictly: a CONNECT to <c>host:port</c>, or a plain HTTP request
/// with an absolute <c>http://</c> URI. Anything else is refused with the reason a client's user reads.
/// </summary>
internal static class ProxyRequestParser
{
    private const int MaxHeaders = 100;
    private const int MaxHostChars = 253;

    // Hop-by-hop headers: they describe the client's connection to the proxy, not the request.
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authorization", "Proxy-Authenticate", "TE", "Trailer", "Upgrade", "Host",
    };

    /// <summary>Parses <paramref name="head"/> (without the final blank line); null with <paramref name="problem"/> when it is refused.</summary>
    public static ProxyRequest? Parse(ReadOnlySpan<byte> head, out string? problem)
    {
        problem = null;
        foreach (var b in head)
        {
            if (b is 0 or > 0x7E || (b < 0x20 && b is not (byte)'\r' and not (byte)'\n' and not (byte)'\t'))
            {
                problem = "the request head holds a byte that is not printable ASCII";
                return null;
            }
        }
        var lines = Encoding.ASCII.GetString(head).Split("\r\n");
        if (lines.Any(l => l.Contains('\r', StringComparison.Ordinal) || l.Contains('\n', StringComparison.Ordinal)))
        {
            problem = "lines of the request head must end in CRLF";
            return null;
        }
        var parts = lines[0].Split(' ');
        if (parts.Length != 3 || parts[0].Length is 0 or > 20 || !parts[0].All(char.IsAsciiLetterUpper) || parts[2] is not ("HTTP/1.1" or "HTTP/1.0"))
        {
            problem = "the request line is not 'METHOD target HTTP/1.1'";
            return null;
        }
        var (method, target) = (parts[0], parts[1]);
        var headers = new List<(string Name, string Value)>();
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || !line[..colon].All(IsTokenChar))
            {
                problem = "a header line is not 'Name: value'";
                return null;
            }
            headers.Add((line[..colon], line[(colon + 1)..].Trim(' ', '\t')));
        }
        if (headers.Count > MaxHeaders)
        {
            problem = $"the request has more than {MaxHeaders} headers";
            return null;
        }

        if (method == "CONNECT")
        {
            if (!TrySplitAuthority(target, out var host, out var port) || port is null)
            {
                problem = "CONNECT needs a target of the form host:port";
                return null;
            }
            return CheckHost(host, out problem) ? new ProxyRequest(new EgressTarget(host, port.Value, method), Tunnel: true, null) : null;
        }
        if (target.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            problem = "https:// URLs go through a CONNECT tunnel; use the proxy as an HTTP proxy (HTTPS_PROXY=http://…)";
            return null;
        }
        if (!target.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
        {
            problem = "this is a forward proxy: send an absolute http:// URI, or CONNECT host:port";
            return null;
        }
        var rest = target["http://".Length..];
        var slash = rest.IndexOfAny(['/', '?', '#']);
        var authority = slash < 0 ? rest : rest[..slash];
        var path = slash < 0 ? "/" : rest[slash..];
        if (path.StartsWith('?'))
        {
            path = "/" + path;
        }
        var fragment = path.IndexOf('#', StringComparison.Ordinal);
        if (fragment >= 0)
        {
            path = path[..fragment];
        }
        if (authority.Contains('@', StringComparison.Ordinal))
        {
            problem = "the URL carries a user name or password; the proxy does not forward them";
            return null;
        }
        if (!TrySplitAuthority(authority, out var name, out var givenPort))
        {
            problem = "the URL's host is not a valid host[:port]";
            return null;
        }
        if (!CheckHost(name, out problem))
        {
            return null;
        }
        long? bodyLength = 0;
        if (headers.Any(h => h.Name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase)))
        {
            bodyLength = null;
        }
        else
        {
            var lengths = headers.Where(h => h.Name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).Distinct(StringComparer.Ordinal).ToList();
            if (lengths.Count > 1 || (lengths.Count == 1 && (lengths[0].Length > 18 || !long.TryParse(lengths[0], NumberStyles.None, CultureInfo.InvariantCulture, out var length) || length < 0)))
            {
                problem = "the request's Content-Length is not one whole number";
                return null;
            }
            bodyLength = lengths.Count == 1 ? long.Parse(lengths[0], NumberStyles.None, CultureInfo.InvariantCulture) : 0;
        }
        var forwardedPort = givenPort ?? 80;
        var builder = new StringBuilder();
        builder.Append(method).Append(' ').Append(path).Append(" HTTP/1.1\r\n");
        builder.Append("Host: ").Append(authority).Append("\r\n");
        foreach (var (headerName, value) in headers)
        {
            if (!HopByHop.Contains(headerName))
            {
                builder.Append(headerName).Append(": ").Append(value).Append("\r\n");
            }
        }
        // One request per connection: a second request on it could not be checked against its own target.
        builder.Append("Connection: close\r\n\r\n");
        return new ProxyRequest(new EgressTarget(name, forwardedPort, method), Tunnel: false, builder.ToString()) { BodyLength = bodyLength };
    }

    private static bool TrySplitAuthority(string authority, out string host, out int? port)
    {
        host = "";
        port = null;
        string portText;
        if (authority.StartsWith('['))
        {
            var close = authority.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                return false;
            }
            host = authority[1..close];
            var after = authority[(close + 1)..];
            if (after.Length == 0)
            {
                return IPAddress.TryParse(host, out _);
            }
            if (after[0] != ':')
            {
                return false;
            }
            portText = after[1..];
            if (!IPAddress.TryParse(host, out _))
            {
                return false;
            }
        }
        else
        {
            var colon = authority.LastIndexOf(':');
            if (colon < 0)
            {
                host = authority;
                return host.Length > 0;
            }
            host = authority[..colon];
            portText = authority[(colon + 1)..];
            if (host.Contains(':', StringComparison.Ordinal))
            {
                return false;
            }
        }
        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number is < 1 or > 65535 || portText.Length > 5)
        {
            return false;
        }
        port = number;
        return host.Length > 0;
    }

    private static bool CheckHost(string host, out string? problem)
    {
        problem = null;
        if (host.Contains('%', StringComparison.Ordinal))
        {
            problem = "an address with a zone (%) is not accepted";
            return false;
        }
        if (IPAddress.TryParse(host, out _))
        {
            return true;
        }
        var name = host.EndsWith('.') ? host[..^1] : host;
        if (name.Length is 0 or > MaxHostChars || name.Split('.').Any(l => l.Length is 0 or > 63 || l.StartsWith('-') || !l.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')))
        {
            problem = $"'{Clip(host)}' is not a valid host name";
            return false;
        }
        return true;
    }

    private static bool IsTokenChar(char c) => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal);

    private static string Clip(string value) => value.Length <= 60 ? value : value[..60] + "…";
}
