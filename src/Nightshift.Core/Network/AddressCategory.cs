namespace Nightshift.Core.Network;

/// <summary>What kind of network an IP address belongs to, as the outbound SSRF guard sees it.</summary>
public enum AddressCategory
{
    /// <summary>A public address: outbound deliveries may reach it.</summary>
    Public,

    /// <summary>This machine (127.0.0.0/8, ::1).</summary>
    Loopback,

    /// <summary>A private network (10/8, 172.16/12, 192.168/16, fc00::/7, the deprecated fec0::/10).</summary>
    Private,

    /// <summary>A link-local address (169.254/16, fe80::/10).</summary>
    LinkLocal,

    /// <summary>The carrier-grade NAT range 100.64/10 (shared address space).</summary>
    SharedAddressSpace,

    /// <summary>A cloud provider's instance metadata service (169.254.169.254, fd00:ec2::254, 100.100.100.200).</summary>
    Metadata,

    /// <summary>An unspecified or "this network" address (0.0.0.0/8, ::).</summary>
    Unspecified,

    /// <summary>A multicast group (224/4, ff00::/8).</summary>
    Multicast,

    /// <summary>The limited broadcast address 255.255.255.255.</summary>
    Broadcast,

    /// <summary>The network benchmarking range 198.18/15.</summary>
    Benchmarking,

    /// <summary>Reserved or special-purpose (240/4, 192.0.0.0/24, 100::/64, NAT64 local use).</summary>
    Reserved,
}
