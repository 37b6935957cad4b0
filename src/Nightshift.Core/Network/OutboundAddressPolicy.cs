using System.Net;

namespace Nightshift.Core.Network;

/// <summary>
/// Which addresses outbound deliveries (webhooks, chat messages) may reach: every public address, and the loopback,
/// private, link-local, CGNAT, metadata and other special ranges only when the allow-list
/// (<c>Outbound:AllowedHosts</c>) names the host, the address or a CIDR range holding it. The connect-time guard asks
/// <see cref="RefusalFor(string, IPAddress)"/> about each resolved address; the API asks <see cref="CheckUrl"/> when an
/// endpoint is made, which catches what needs no DNS (a literal address, <c>localhost</c>).
/// </summary>
public sealed class OutboundAddressPolicy
{
    /// <summary>The setting the allow-list comes from, for messages.</summary>
    public const string AllowListSetting = "Outbound:AllowedHosts";

    public const int MaxEntryLength = 253;

    private readonly HashSet<string> _names = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<IPNetwork> _networks = [];

    /// <param name="allowedHosts">host names, IP addresses or CIDR ranges (<c>10.1.0.0/16</c>).</param>
    /// <exception cref="ArgumentException">an entry is none of those; <see cref="ProblemWith"/> says which and why.</exception>
    public OutboundAddressPolicy(IEnumerable<string> allowedHosts)
    {
        ArgumentNullException.ThrowIfNull(allowedHosts);
        foreach (var raw in allowedHosts)
        {
            if (ProblemWith(raw) is { } problem)
            {
                throw new ArgumentException($"{AllowListSetting} entry '{Clip(raw)}' {problem}", nameof(allowedHosts));
            }
            var entry = raw.Trim();
            if (entry.Contains('/', StringComparison.Ordinal))
            {
                _networks.Add(IPNetwork.Parse(entry));
            }
            else if (TryParseAddress(entry, out var address))
            {
                _networks.Add(new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128));
            }
            else
            {
                _names.Add(entry.TrimEnd('.'));
            }
        }
    }

    /// <summary>A policy that allows public addresses only.</summary>
    public static OutboundAddressPolicy PublicOnly { get; } = new([]);

    /// <returns>what is wrong with one allow-list entry, or null when it is a host name, an IP address or a CIDR range.</returns>
    public static string? ProblemWith(string? entry)
    {
        if (string.IsNullOrWhiteSpace(entry))
        {
            return "is blank; give a host name, an IP address or a CIDR range such as 10.1.0.0/16";
        }
        var trimmed = entry.Trim();
        if (trimmed.Length > MaxEntryLength || trimmed.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
        {
            return $"must be one host name, IP address or CIDR range of at most {MaxEntryLength} characters without spaces";
        }
        if (trimmed.Contains('/', StringComparison.Ordinal))
        {
            // IPNetwork takes "10.0.0.1/8" as 10.0.0.0/8; a range with host bits set is more likely a typo than meant.
            return IPNetwork.TryParse(trimmed, out var network)
                && IPAddress.TryParse(trimmed[..trimmed.IndexOf('/', StringComparison.Ordinal)], out var start)
                && start.Equals(network.BaseAddress)
                ? null
                : "is not a CIDR range; write it as an address and a prefix length with the host bits zero, such as 10.1.0.0/16 or fd00::/8";
        }
        if (TryParseAddress(trimmed, out _))
        {
            return null;
        }
        return Uri.CheckHostName(trimmed.TrimEnd('.')) == UriHostNameType.Dns
            ? null
            : "is not a host name, an IP address or a CIDR range";
    }

    /// <returns>whether the allow-list names this host (so every address it resolves to may be reached).</returns>
    public bool AllowsHostName(string host) => _names.Count > 0 && _names.Contains(host.TrimEnd('.'));

    /// <returns>why <paramref name="address"/> (resolved from <paramref name="host"/>) may not be reached, or null when it may.</returns>
    public string? RefusalFor(string host, IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var category = AddressClassifier.Classify(address);
        if (category == AddressCategory.Public || AllowsHostName(host) || IsListed(address))
        {
            return null;
        }
        var shown = address.ToString();
        var what = string.Equals(host, shown, StringComparison.OrdinalIgnoreCase) || string.Equals(host, $"[{shown}]", StringComparison.OrdinalIgnoreCase)
            ? $"{shown} is {AddressClassifier.Describe(category)}"
            : $"{host} resolves to {shown}, {AddressClassifier.Describe(category)}";
        return $"{what}, which outbound deliveries may not reach; point the endpoint at a public address, or add the host to {AllowListSetting} if the receiver is meant to be on that network";
    }

    /// <summary>
    /// What can be checked of an endpoint's URL without DNS: a literal IP address (in any form the URL parser accepts,
    /// such as <c>http://2130706433/</c>) or a <c>localhost</c> name that lands on a refused network.
    /// </summary>
    /// <returns>why the URL is refused, or null when it may be tried (its name is checked again at connect time).</returns>
    public string? CheckUrl(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            return "is not an absolute http(s) URL; give one such as https://hooks.example.com/nightshift";
        }
        var host = uri.IdnHost;
        if (TryParseAddress(host, out var address))
        {
            return RefusalFor(host, address);
        }
        if (host.TrimEnd('.').Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || host.TrimEnd('.').EndsWith(".localhost", StringComparison.OrdinalIgnoreCase))
        {
            return AllowsHostName(host)
                ? null
                : $"{host} is this machine (a loopback name), which outbound deliveries may not reach; point the endpoint at a public address, or add the host to {AllowListSetting} if the receiver is meant to be on this machine";
        }
        return null;
    }

    private bool IsListed(IPAddress address)
    {
        var candidates = address.IsIPv4MappedToIPv6 ? new[] { address, address.MapToIPv4() } : [address];
        return _networks.Any(n => candidates.Any(n.Contains));
    }

    private static bool TryParseAddress(string text, out IPAddress address)
    {
        var bare = text.Length > 2 && text[0] == '[' && text[^1] == ']' ? text[1..^1] : text;
        // IPAddress.Parse also takes "1" or "0x7f.1", which Uri never hands over as a name; only dotted or colon forms count here.
        if ((bare.Contains('.', StringComparison.Ordinal) || bare.Contains(':', StringComparison.Ordinal)) && IPAddress.TryParse(bare, out var parsed)
            && (parsed.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 || bare.Count(c => c == '.') == 3))
        {
            address = parsed;
            return true;
        }
        address = IPAddress.None;
        return false;
    }

    private static string Clip(string? value)
    {
        var clean = new string((value ?? "").Select(c => char.IsControl(c) ? '?' : c).ToArray());
        return clean.Length > 100 ? clean[..100] + "…" : clean;
    }
}
