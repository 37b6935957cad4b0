using System.Globalization;
using System.Net;

namespace Nightshift.Sandbox.Network;

/// <summary>
/// One entry of a network allow-list (Sandbox:Network:Allow, its organisation and repository levels, and
/// <c>.nightshift.yml</c>'s <c>network.allow</c>): a host by exact name (<c>registry.example.org</c>) or any subdomain
/// of a suffix (<c>*.example.org</c>, which does not match <c>example.org</c> itself), optionally one port
/// (<c>host:8443</c>; without one, the web ports 80 and 443), optionally limited to some methods
/// (<c>GET,HEAD docs.example.org</c>). Names are kept lowercase in their ASCII (IDNA) form. Addresses are never
/// rules: a private address is allowed by Sandbox:Egress:AllowPrivate, and only behind a name that an allow-list names.
/// </summary>
public sealed class HostRule : IEquatable<HostRule>
{
    /// <summary>The longest rule text read.</summary>
    public const int MaxChars = 300;

    /// <summary>The methods a rule may be limited to (CONNECT is how https travels, never a rule's method).</summary>
    public static IReadOnlyList<string> KnownMethods { get; } = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

    private static readonly IdnMapping Idn = new() { UseStd3AsciiRules = true, AllowUnassigned = false };

    private HostRule(string host, bool anySubdomain, int? port, IReadOnlyList<string> methods)
    {
        Host = host;
        AnySubdomain = anySubdomain;
        Port = port;
        Methods = methods;
    }

    /// <summary>The name, or for a <c>*.suffix</c> rule the suffix: lowercase ASCII, no trailing dot.</summary>
    public string Host { get; }

    /// <summary>True for <c>*.suffix</c>: any name below <see cref="Host"/>, never <see cref="Host"/> itself.</summary>
    public bool AnySubdomain { get; }

    /// <summary>The one port allowed, or null for the web ports 80 and 443.</summary>
    public int? Port { get; }

    /// <summary>The methods allowed (upper case, sorted), or empty for any.</summary>
    public IReadOnlyList<string> Methods { get; }

    /// <summary>True when the rule limits methods, so an https host behind it must be inspected request by request.</summary>
    public bool RestrictsMethods => Methods.Count > 0;

    /// <summary>Reads one rule; throws <see cref="FormatException"/> saying what is wrong and what to write.</summary>
    public static HostRule Parse(string text) =>
        TryParse(text, out var error) ?? throw new FormatException($"the host rule '{Clip(text)}' {error}");

    /// <summary>Reads one rule; null with <paramref name="error"/> saying what is wrong and what to write when it cannot.</summary>
    public static HostRule? TryParse(string? text, out string? error)
    {
        error = null;
        var value = text?.Trim() ?? "";
        if (value.Length == 0)
        {
            error = "is empty; write a host name like registry.example.org or *.example.org";
            return null;
        }
        if (value.Length > MaxChars)
        {
            error = $"is longer than {MaxChars} characters";
            return null;
        }
        IReadOnlyList<string> methods = [];
        var space = value.IndexOfAny([' ', '\t']);
        if (space >= 0)
        {
            var methodText = value[..space];
            value = value[space..].Trim();
            if (value.IndexOfAny([' ', '\t']) >= 0)
            {
                error = "has more than one space; write 'METHODS host' like 'GET,HEAD docs.example.org'";
                return null;
            }
            var parsed = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var method in methodText.Split(','))
            {
                var upper = method.Trim().ToUpperInvariant();
                if (!KnownMethods.Contains(upper))
                {
                    error = $"names the method '{Clip(method)}'; methods are a comma-separated list of {string.Join(", ", KnownMethods)} before the host, like 'GET,HEAD docs.example.org'";
                    return null;
                }
                parsed.Add(upper);
            }
            methods = [.. parsed];
        }

        if (value.StartsWith('[') || value.Count(c => c == ':') > 1)
        {
            error = "is an IPv6 address; allow-lists name hosts — allow a private address with Sandbox:Egress:AllowPrivate and name it here";
            return null;
        }
        int? port = null;
        var colon = value.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0)
        {
            var portText = value[(colon + 1)..];
            if (portText.Length is 0 or > 5 || !int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number is < 1 or > 65535)
            {
                error = $"has the port '{Clip(portText)}', which is not a number from 1 to 65535";
                return null;
            }
            port = number;
            value = value[..colon];
        }

        var anySubdomain = false;
        if (value.StartsWith("*.", StringComparison.Ordinal))
        {
            anySubdomain = true;
            value = value[2..];
        }
        if (value.Contains('*', StringComparison.Ordinal))
        {
            error = "has a '*' that is not a leading '*.'; write an exact name or '*.suffix' (a bare '*' is never allowed: use On instead of Allowlist)";
            return null;
        }
        if (value.EndsWith('.'))
        {
            value = value[..^1];
        }
        if (value.Length == 0 || value.Contains("..", StringComparison.Ordinal) || value.StartsWith('.'))
        {
            error = "is not a host name; write one like registry.example.org or *.example.org";
            return null;
        }
        string ascii;
        try
        {
            ascii = Idn.GetAscii(value.ToLowerInvariant()).ToLowerInvariant();
        }
        catch (ArgumentException)
        {
            error = "is not a valid host name (letters, digits and hyphens in dot-separated labels of at most 63, or an internationalised name)";
            return null;
        }
        if (ascii.Length > 253)
        {
            error = "is a host name longer than 253 characters";
            return null;
        }
        var labels = ascii.Split('.');
        if (labels.Any(l => l.Length is 0 or > 63 || l.StartsWith('-') || l.EndsWith('-') || !l.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')))
        {
            error = "is not a valid host name (letters, digits and hyphens in dot-separated labels of at most 63)";
            return null;
        }
        if (IPAddress.TryParse(ascii, out _) || labels[^1].All(char.IsAsciiDigit) || LooksNumeric(labels[^1]))
        {
            error = "is an address, not a name; allow-lists name hosts — allow a private address with Sandbox:Egress:AllowPrivate and name it here";
            return null;
        }
        if (anySubdomain && labels.Length < 2)
        {
            error = $"covers every name under the top-level domain '{ascii}'; name at least two labels, like *.example.{ascii}";
            return null;
        }
        return new HostRule(ascii, anySubdomain, port, methods);
    }

    /// <summary>
    /// True when a request to <paramref name="host"/>:<paramref name="port"/> with <paramref name="method"/> may pass.
    /// A CONNECT matches on host and port alone: what travels inside it is checked request by request when the rule
    /// limits methods (see <see cref="RestrictsMethods"/>). An address never matches.
    /// </summary>
    public bool Matches(string host, int port, string method)
    {
        ArgumentNullException.ThrowIfNull(method);
        return MatchesHost(host, port) && (Methods.Count == 0 || method == "CONNECT" || Methods.Contains(method.ToUpperInvariant()));
    }

    /// <summary>True when <paramref name="host"/>:<paramref name="port"/> is this rule's host and port, whatever the method.</summary>
    public bool MatchesHost(string host, int port)
    {
        if (Normalise(host) is not { } name)
        {
            return false;
        }
        var hostMatches = AnySubdomain
            ? name.Length > Host.Length + 1 && name.EndsWith(Host, StringComparison.Ordinal) && name[name.Length - Host.Length - 1] == '.'
            : name == Host;
        return hostMatches && (Port is { } only ? port == only : port is 80 or 443);
    }

    /// <summary>True when everything <paramref name="inner"/> allows, this rule allows too (a narrower level keeps only such rules).</summary>
    public bool Covers(HostRule inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        var hostCovered = AnySubdomain
            ? (inner.Host.Length > Host.Length && inner.Host.EndsWith("." + Host, StringComparison.Ordinal)) || (inner.AnySubdomain && inner.Host == Host)
            : !inner.AnySubdomain && inner.Host == Host;
        var portCovered = Port is { } only ? inner.Port == only : inner.Port is null or 80 or 443;
        var methodsCovered = Methods.Count == 0 || (inner.Methods.Count > 0 && inner.Methods.All(Methods.Contains));
        return hostCovered && portCovered && methodsCovered;
    }

    /// <summary>The rule as written canonically: <c>GET,HEAD *.example.org:8443</c>.</summary>
    public override string ToString()
    {
        var host = (AnySubdomain ? "*." : "") + Host + (Port is { } port ? ":" + port.ToString(CultureInfo.InvariantCulture) : "");
        return Methods.Count == 0 ? host : string.Join(',', Methods) + " " + host;
    }

    public bool Equals(HostRule? other) => other is not null && ToString() == other.ToString();

    public override bool Equals(object? obj) => Equals(obj as HostRule);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(ToString());

    /// <summary>A requested host as rules compare it (lowercase, no trailing dot), or null for an address or a non-name.</summary>
    private static string? Normalise(string? host)
    {
        if (string.IsNullOrEmpty(host) || host.Length > 254 || IPAddress.TryParse(host, out _))
        {
            return null;
        }
        var name = (host.EndsWith('.') ? host[..^1] : host).ToLowerInvariant();
        var last = name[(name.LastIndexOf('.') + 1)..];
        return name.Length == 0 || last.All(char.IsAsciiDigit) || LooksNumeric(last) ? null : name;
    }

    // Resolvers read 0x7f, 0177 and 2130706433 as addresses; a top-level label never looks like a number.
    private static bool LooksNumeric(string label) =>
        label.StartsWith("0x", StringComparison.Ordinal) && label.Length > 2 && label[2..].All(char.IsAsciiHexDigit);

    private static string Clip(string? value) => value is null ? "" : value.Length <= 60 ? value : value[..60] + "…";
}
