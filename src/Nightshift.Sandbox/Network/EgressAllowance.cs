using System.Globalization;
using System.Net;

namespace Nightshift.Sandbox.Network;

/// <summary>
/// One entry of Sandbox:Egress:AllowPrivate: an address or CIDR block, optionally with a port — <c>10.1.2.3</c>,
/// <c>10.0.0.0/8</c>, <c>127.0.0.1:8080</c>, <c>[::1]:8080</c>, <c>[fd00::/8]:443</c>.
/// </summary>
public sealed record EgressAllowance(IPNetwork Network, int? Port)
{
    /// <summary>True when <paramref name="address"/> (an IPv4-mapped one as its IPv4 form) and <paramref name="port"/> match.</summary>
    public bool Allows(IPAddress address, int port)
    {
        ArgumentNullException.ThrowIfNull(address);
        var candidate = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        return Network.Contains(candidate) && (Port is null || Port == port);
    }

    /// <summary>Reads one entry; null with <paramref name="error"/> saying what is wrong when it cannot.</summary>
    public static EgressAllowance? TryParse(string? text, out string? error)
    {
        error = null;
        var value = text?.Trim() ?? "";
        if (value.Length is 0 or > 80)
        {
            error = "is empty or longer than 80 characters";
            return null;
        }
        string network;
        string? port = null;
        if (value.StartsWith('['))
        {
            var close = value.IndexOf(']', StringComparison.Ordinal);
            if (close < 0 || (close + 1 < value.Length && value[close + 1] != ':'))
            {
                error = "opens '[' without a closing ']' followed by nothing or ':port'";
                return null;
            }
            network = value[1..close];
            port = close + 1 < value.Length ? value[(close + 2)..] : null;
        }
        else if (value.Count(c => c == ':') == 1)
        {
            var colon = value.IndexOf(':', StringComparison.Ordinal);
            network = value[..colon];
            port = value[(colon + 1)..];
        }
        else
        {
            network = value;
        }

        int? portNumber = null;
        if (port is not null)
        {
            if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number is < 1 or > 65535)
            {
                error = $"has the port '{port}', which is not a number from 1 to 65535";
                return null;
            }
            portNumber = number;
        }
        if (network.Contains('/', StringComparison.Ordinal))
        {
            var slash = network.IndexOf('/', StringComparison.Ordinal);
            if (!IPNetwork.TryParse(network, out var block) || !IPAddress.TryParse(network[..slash], out var baseAddress) || !block.BaseAddress.Equals(baseAddress))
            {
                error = $"'{network}' is not a CIDR block with its host bits zero (like 10.0.0.0/8)";
                return null;
            }
            return new EgressAllowance(block, portNumber);
        }
        if (!IPAddress.TryParse(network, out var address) || address.ToString().Length == 0 || network.Contains('%', StringComparison.Ordinal))
        {
            error = $"'{network}' is not an IP address (host names are not accepted: write the address, or a CIDR block)";
            return null;
        }
        address = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        return new EgressAllowance(new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128), portNumber);
    }
}
