using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Nightshift.Sandbox.Network;
using Nightshift.TestKit.Sandbox;

namespace Nightshift.Sandbox.Tests;

/// <summary>An egress proxy on a Unix socket in a temp folder, its decisions collected, and a raw client for it.</summary>
public sealed class ProxyHarness : IAsyncDisposable
{
    private readonly TempFolder _folder = new("nightshift-proxy-test-");

    public ProxyHarness(EgressOptions? options = null, IEgressPolicy? policy = null, Network.Interception.EgressInterception? interception = null, Microsoft.Extensions.Logging.ILogger? logger = null, Func<string, CancellationToken, Task<System.Net.IPAddress[]>>? resolve = null)
    {
        Options = options ?? new EgressOptions();
        Proxy = EgressProxy.Start(_folder.File("proxy.sock"), policy ?? PublicInternetPolicy.Strict, Options, Decisions.Enqueue, logger ?? NullLogger.Instance, interception, resolve ?? System.Net.Dns.GetHostAddressesAsync);
    }

    public EgressOptions Options { get; }

    public EgressProxy Proxy { get; }

    public ConcurrentQueue<NetworkDecision> Decisions { get; } = new();

    /// <summary>Sends <paramref name="request"/> and reads everything the proxy answers until it closes the connection.</summary>
    public async Task<string> SendAsync(string request) => await SendAsync(Encoding.Latin1.GetBytes(request));

    public async Task<string> SendAsync(byte[] request, bool closeInput = true)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        using var timeout = new CancellationTokenSource(TestKit.TestDefaults.Timeout);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(Proxy.SocketPath), timeout.Token);
        using var stream = new NetworkStream(socket, ownsSocket: false);
        try
        {
            await stream.WriteAsync(request, timeout.Token);
            if (closeInput)
            {
                socket.Shutdown(SocketShutdown.Send);
            }
        }
        catch (IOException)
        {
            // The proxy may answer and stop reading before a long request is all written.
        }
        var answer = new MemoryStream();
        var buffer = new byte[8192];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, timeout.Token)) > 0)
            {
                answer.Write(buffer, 0, read);
            }
        }
        catch (IOException)
        {
        }
        return Encoding.Latin1.GetString(answer.ToArray());
    }

    public async ValueTask DisposeAsync()
    {
        await Proxy.DisposeAsync();
        _folder.Dispose();
    }
}
