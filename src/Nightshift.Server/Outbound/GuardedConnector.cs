using System.Net;
using System.Net.Sockets;
using Nightshift.Core.Network;

namespace Nightshift.Server.Outbound;

/// <summary>
/// The <see cref="SocketsHttpHandler.ConnectCallback"/> of the outbound client: resolves the host once, refuses when any
/// answer lies on a network <see cref="OutboundAddressPolicy"/> refuses, and connects to a checked address itself, so
/// what was checked is what is connected to (a rebinding DNS answer is never asked for, let alone used).
/// </summary>
internal sealed class GuardedConnector(OutboundAddressPolicy policy, IHostResolver resolver)
{
    public const int MaxAddresses = 32;

    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var port = context.DnsEndPoint.Port;
        var addresses = await ResolveAsync(host, cancellationToken);
        foreach (var address in addresses)
        {
            if (policy.RefusalFor(host, address) is { } refusal)
            {
                throw new OutboundAddressRefusedException(refusal);
            }
        }
        Exception? last = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, port), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                last = ex;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
        throw new IOException($"could not connect to {host}:{port}: {last?.Message ?? "no address"}", last);
    }

    private async Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        var bare = host.Length > 2 && host[0] == '[' && host[^1] == ']' ? host[1..^1] : host;
        if (IPAddress.TryParse(bare, out var literal))
        {
            return [literal];
        }
        IPAddress[] addresses;
        try
        {
            addresses = await resolver.ResolveAsync(host, cancellationToken);
        }
        catch (SocketException ex)
        {
            throw new IOException($"could not resolve {host}: {ex.Message}", ex);
        }
        if (addresses.Length == 0)
        {
            throw new IOException($"could not resolve {host}: no address");
        }
        return addresses.Length > MaxAddresses ? addresses[..MaxAddresses] : addresses;
    }
}
