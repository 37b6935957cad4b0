using System.Net;
using System.Net.Sockets;

namespace Nightshift.Core.Network;

/// <summary>
/// Sorts an IP address into the networks the outbound SSRF guard refuses. IPv6 forms that carry an IPv4 address
/// (IPv4-mapped <c>::ffff:a.b.c.d</c>, IPv4-compatible <c>::a.b.c.d</c>, NAT64 <c>64:ff9b::/96</c>, 6to4
/// <c>2002::/16</c> and Teredo <c>2001::/32</c>) are judged by the IPv4 address they carry, so
/// <c>::ffff:127.0.0.1</c> is loopback.
/// </summary>
public static class AddressClassifier
{
    private static readonly IPAddress AwsMetadataV6 = IPAddress.Parse("fd00:ec2::254");

    private static readonly (IPNetwork Network, AddressCategory Category)[] V4Ranges =
    [
        (IPNetwork.Parse("169.254.169.254/32"), AddressCategory.Metadata),
        (IPNetwork.Parse("100.100.100.200/32"), AddressCategory.Metadata),
        (IPNetwork.Parse("255.255.255.255/32"), AddressCategory.Broadcast),
        (IPNetwork.Parse("0.0.0.0/8"), AddressCategory.Unspecified),
        (IPNetwork.Parse("10.0.0.0/8"), AddressCategory.Private),
        (IPNetwork.Parse("100.64.0.0/10"), AddressCategory.SharedAddressSpace),
        (IPNetwork.Parse("127.0.0.0/8"), AddressCategory.Loopback),
        (IPNetwork.Parse("169.254.0.0/16"), AddressCategory.LinkLocal),
        (IPNetwork.Parse("172.16.0.0/12"), AddressCategory.Private),
        (IPNetwork.Parse("192.0.0.0/24"), AddressCategory.Reserved),
        (IPNetwork.Parse("192.168.0.0/16"), AddressCategory.Private),
        (IPNetwork.Parse("198.18.0.0/15"), AddressCategory.Benchmarking),
        (IPNetwork.Parse("224.0.0.0/4"), AddressCategory.Multicast),
        (IPNetwork.Parse("240.0.0.0/4"), AddressCategory.Reserved),
    ];

    private static readonly (IPNetwork Network, AddressCategory Category)[] V6Ranges =
    [
        (IPNetwork.Parse("64:ff9b:1::/48"), AddressCategory.Reserved),
        (IPNetwork.Parse("100::/64"), AddressCategory.Reserved),
        (IPNetwork.Parse("fc00::/7"), AddressCategory.Private),
        (IPNetwork.Parse("fe80::/10"), AddressCategory.LinkLocal),
        (IPNetwork.Parse("fec0::/10"), AddressCategory.Private),
        (IPNetwork.Parse("ff00::/8"), AddressCategory.Multicast),
    ];

    private static readonly IPNetwork Nat64 = IPNetwork.Parse("64:ff9b::/96");
    private static readonly IPNetwork SixToFour = IPNetwork.Parse("2002::/16");
    private static readonly IPNetwork Teredo = IPNetwork.Parse("2001::/32");
    private static readonly IPNetwork V4Compatible = IPNetwork.Parse("::/96");

    public static AddressCategory Classify(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            return ClassifyV4(address);
        }
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return AddressCategory.Reserved;
        }
        if (address.Equals(IPAddress.IPv6Any))
        {
            return AddressCategory.Unspecified;
        }
        if (address.Equals(IPAddress.IPv6Loopback))
        {
            return AddressCategory.Loopback;
        }
        if (address.IsIPv4MappedToIPv6)
        {
            return ClassifyV4(address.MapToIPv4());
        }
        // A scope id does not change what the address is; compare without it.
        var bare = new IPAddress(address.GetAddressBytes());
        if (bare.Equals(AwsMetadataV6))
        {
            return AddressCategory.Metadata;
        }
        var bytes = bare.GetAddressBytes();
        if (V4Compatible.Contains(bare) || Nat64.Contains(bare))
        {
            return ClassifyV4(new IPAddress(bytes.AsSpan(12, 4)));
        }
        if (SixToFour.Contains(bare))
        {
            return ClassifyV4(new IPAddress(bytes.AsSpan(2, 4)));
        }
        if (Teredo.Contains(bare))
        {
            // The client's IPv4 address sits in the last 32 bits, every bit inverted.
            var client = bytes[12..16];
            for (var i = 0; i < client.Length; i++)
            {
                client[i] = (byte)~client[i];
            }
            return ClassifyV4(new IPAddress(client));
        }
        foreach (var (network, category) in V6Ranges)
        {
            if (network.Contains(bare))
            {
                return category;
            }
        }
        return AddressCategory.Public;
    }

    /// <summary>The category in a few words for a message (<c>a loopback address</c>).</summary>
    public static string Describe(AddressCategory category) => category switch
    {
        AddressCategory.Public => "a public address",
        AddressCategory.Loopback => "a loopback address",
        AddressCategory.Private => "a private-network address",
        AddressCategory.LinkLocal => "a link-local address",
        AddressCategory.SharedAddressSpace => "a carrier-grade NAT (100.64.0.0/10) address",
        AddressCategory.Metadata => "a cloud metadata service address",
        AddressCategory.Unspecified => "an unspecified address",
        AddressCategory.Multicast => "a multicast address",
        AddressCategory.Broadcast => "the broadcast address",
        AddressCategory.Benchmarking => "a benchmarking-range (198.18.0.0/15) address",
        _ => "a reserved address",
    };

    private static AddressCategory ClassifyV4(IPAddress address)
    {
        foreach (var (network, category) in V4Ranges)
        {
            if (network.Contains(address))
            {
                return category;
            }
        }
        return AddressCategory.Public;
    }
}
