using System.Net;
using System.Net.Sockets;

namespace Nightshift.Workspaces.Repositories;

/// <summary>Recognises hosts that reach this machine or its private network, where a fetch could probe internal services.</summary>
internal static class AddressClassifier
{
    private static readonly string[] LocalNames = ["localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback", "broadcasthost"];

    private static readonly string[] LocalSuffixes = [".localhost", ".local", ".internal", ".lan", ".home.arpa", ".localdomain", ".intranet", ".corp"];

    /// <summary>True when the host looks like an address literal (last label numeric or hex) and must be judged as one.</summary>
    public static bool LooksNumeric(string host)
    {
        var last = host[(host.LastIndexOf('.') + 1)..];
        return last.Length > 0 && (last.All(char.IsAsciiDigit) || last.StartsWith("0x", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Names that resolve to this machine or only inside a private network (single labels use the search domain).</summary>
    public static bool IsLocalName(string host) =>
        !host.Contains('.', StringComparison.Ordinal)
        || LocalNames.Contains(host, StringComparer.OrdinalIgnoreCase)
        || LocalSuffixes.Any(s => host.EndsWith(s, StringComparison.OrdinalIgnoreCase));

    /// <summary>Loopback, private, link-local, unique-local, IPv4-mapped/-compatible, multicast, reserved and unspecified addresses.</summary>
    public static bool IsNonPublic(IPAddress address)
    {
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            if (address.IsIPv4MappedToIPv6)
            {
                return true;
            }
            var b = address.GetAddressBytes();
            var firstTwelveZero = b.AsSpan(0, 12).IndexOfAnyExcept((byte)0) < 0;
            return IPAddress.IPv6Loopback.Equals(address)
                || IPAddress.IPv6Any.Equals(address)
                || firstTwelveZero // IPv4-compatible ::a.b.c.d
                || address.IsIPv6LinkLocal
                || address.IsIPv6SiteLocal
                || address.IsIPv6Multicast
                || (b[0] & 0xfe) == 0xfc // fc00::/7 unique local
                || (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b) // 64:ff9b::/96 NAT64 reaches IPv4 space
                || (b[0] == 0x20 && b[1] == 0x02); // 2002::/16 6to4 embeds an IPv4 address
        }
        if (address.AddressFamily != AddressFamily.InterNetwork)
        {
            return true;
        }
        var v = address.GetAddressBytes();
        return v[0] switch
        {
            0 or 10 or 127 => true,
            100 => v[1] is >= 64 and <= 127, // carrier-grade NAT
            169 => v[1] == 254,
            172 => v[1] is >= 16 and <= 31,
            192 => (v[1] == 168) || (v[1] == 0 && v[2] is 0 or 2),
            198 => v[1] is 18 or 19 || (v[1] == 51 && v[2] == 100),
            203 => v[1] == 0 && v[2] == 113,
            >= 224 => true, // multicast and reserved
            _ => false,
        };
    }
}
