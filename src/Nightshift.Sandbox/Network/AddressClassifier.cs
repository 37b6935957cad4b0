using System.Net;
using System.Net.Sockets;

namespace Nightshift.Sandbox.Network;

/// <summary>
/// Says whether an address belongs to the public internet. Everything else — loopback, private networks, link-local
/// (where cloud metadata lives), carrier-grade NAT, unspecified, multicast, reserved and documentation ranges, and the
/// IPv6 forms that embed any of these — is refused by the egress proxy unless the operator allows it by name.
/// </summary>
public static class AddressClassifier
{
    private static readonly (IPNetwork Network, string Reason)[] Version4 =
    [
        (IPNetwork.Parse("0.0.0.0/8"), "an unspecified or 'this network' address (0.0.0.0/8)"),
        (IPNetwork.Parse("10.0.0.0/8"), "a private address (10.0.0.0/8, RFC 1918)"),
        (IPNetwork.Parse("100.64.0.0/10"), "a carrier-grade NAT address (100.64.0.0/10)"),
        (IPNetwork.Parse("127.0.0.0/8"), "a loopback address (127.0.0.0/8)"),
        (IPNetwork.Parse("169.254.0.0/16"), "a link-local address (169.254.0.0/16, where cloud metadata services answer)"),
        (IPNetwork.Parse("172.16.0.0/12"), "a private address (172.16.0.0/12, RFC 1918)"),
        (IPNetwork.Parse("192.0.0.0/24"), "an IETF protocol address (192.0.0.0/24)"),
        (IPNetwork.Parse("192.0.2.0/24"), "a documentation address (192.0.2.0/24)"),
        (IPNetwork.Parse("192.88.99.0/24"), "a 6to4 relay address (192.88.99.0/24)"),
        (IPNetwork.Parse("192.168.0.0/16"), "a private address (192.168.0.0/16, RFC 1918)"),
        (IPNetwork.Parse("198.18.0.0/15"), "a benchmarking address (198.18.0.0/15)"),
        (IPNetwork.Parse("198.51.100.0/24"), "a documentation address (198.51.100.0/24)"),
        (IPNetwork.Parse("203.0.113.0/24"), "a documentation address (203.0.113.0/24)"),
        (IPNetwork.Parse("224.0.0.0/4"), "a multicast address (224.0.0.0/4)"),
        (IPNetwork.Parse("240.0.0.0/4"), "a reserved or broadcast address (240.0.0.0/4)"),
    ];

    private static readonly (IPNetwork Network, string Reason)[] Version6 =
    [
        (IPNetwork.Parse("::/128"), "the unspecified address (::)"),
        (IPNetwork.Parse("::1/128"), "the loopback address (::1)"),
        (IPNetwork.Parse("::/96"), "an IPv4-compatible address (::/96, deprecated)"),
        (IPNetwork.Parse("64:ff9b:1::/48"), "a local-use NAT64 address (64:ff9b:1::/48)"),
        (IPNetwork.Parse("100::/64"), "a discard address (100::/64)"),
        (IPNetwork.Parse("2001::/32"), "a Teredo address (2001::/32), which tunnels to an IPv4 address"),
        (IPNetwork.Parse("2001:db8::/32"), "a documentation address (2001:db8::/32)"),
        (IPNetwork.Parse("fc00::/7"), "a unique local (private) address (fc00::/7)"),
        (IPNetwork.Parse("fe80::/10"), "a link-local address (fe80::/10)"),
        (IPNetwork.Parse("fec0::/10"), "a site-local address (fec0::/10)"),
        (IPNetwork.Parse("ff00::/8"), "a multicast address (ff00::/8)"),
    ];

    private static readonly IPNetwork Nat64 = IPNetwork.Parse("64:ff9b::/96");
    private static readonly IPNetwork SixToFour = IPNetwork.Parse("2002::/16");

    /// <summary>Why <paramref name="address"/> is not on the public internet, or null when it is.</summary>
    public static string? WhyNotPublic(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            return WhyNotPublic(address.MapToIPv4()) is { } mapped ? "an IPv4-mapped form of " + mapped : null;
        }
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            foreach (var (network, reason) in Version4)
            {
                if (network.Contains(address))
                {
                    return reason;
                }
            }
            return null;
        }
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return "not an IP address";
        }
        foreach (var (network, reason) in Version6)
        {
            if (network.Contains(address))
            {
                return reason;
            }
        }
        // Translation prefixes carry an IPv4 address that a gateway reaches on the requester's behalf: judge that one.
        var bytes = address.GetAddressBytes();
        if (Nat64.Contains(address))
        {
            return WhyNotPublic(new IPAddress(bytes.AsSpan(12, 4))) is { } embedded ? "a NAT64 form of " + embedded : null;
        }
        if (SixToFour.Contains(address))
        {
            return WhyNotPublic(new IPAddress(bytes.AsSpan(2, 4))) is { } embedded ? "a 6to4 form of " + embedded : null;
        }
        return null;
    }
}
