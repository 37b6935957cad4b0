using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Nightshift.Sandbox.Network;
using Nightshift.Sandbox.Network.Interception;
using Nightshift.TestKit.Sandbox;

namespace Nightshift.Sandbox.Tests.Interception;

/// <summary>
/// An HTTPS test server, an egress CA in a temp folder and a proxy that intercepts with them; a client that opens a
/// CONNECT tunnel through the proxy and speaks TLS inside it, trusting only the egress CA (or only the upstream's CA).
/// </summary>
public sealed class InterceptionHarness : IAsyncDisposable
{
    public const string Secret = "fake-credential-3f9c1e7a5b";

    private readonly TempFolder _ca = new("nightshift-egress-ca-test-");

    public InterceptionHarness(bool credential = true, IEgressPolicy? policy = null, EgressOptions? options = null, string certificateName = "localhost", bool trustUpstream = true)
    {
        Server = new LoopbackHttpsServer(certificateName);
        Authority = EgressCertificateAuthority.LoadOrCreate(_ca.Path, "test");
        Credentials = credential ? [new EgressCredential("localhost", Server.Port, "Authorization", "Bearer " + Secret)] : [];
        var allow = new[] { EgressAllowance.TryParse($"127.0.0.1:{Server.Port}", out _)!, EgressAllowance.TryParse($"[::1]:{Server.Port}", out _)! };
        Proxy = new ProxyHarness(options, policy ?? new PublicInternetPolicy(allow),
            new EgressInterception(Authority, trustUpstream ? UpstreamTrust.FromFile(Server.CaFile) : UpstreamTrust.System, Credentials), Log);
    }

    public LoopbackHttpsServer Server { get; }

    public EgressCertificateAuthority Authority { get; }

    public IReadOnlyList<EgressCredential> Credentials { get; }

    public ProxyHarness Proxy { get; }

    public ListLogger<EgressProxy> Log { get; } = new();

    /// <summary>Opens a tunnel to the server and completes TLS in it, trusting only <paramref name="root"/> (the egress CA by default).</summary>
    public async Task<(Socket Socket, SslStream Tls, X509Certificate2 Seen)> OpenAsync(X509Certificate2? root = null, string host = "localhost")
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        using var timeout = new CancellationTokenSource(TestKit.TestDefaults.Timeout);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(Proxy.Proxy.SocketPath), timeout.Token);
        var stream = new NetworkStream(socket, ownsSocket: false);
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"CONNECT {host}:{Server.Port} HTTP/1.1\r\nHost: {host}:{Server.Port}\r\n\r\n"), timeout.Token);
        var head = new StringBuilder();
        var one = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal) && await stream.ReadAsync(one, timeout.Token) == 1)
        {
            head.Append((char)one[0]);
        }
        head.ToString().ShouldStartWith("HTTP/1.1 200 ");
        var trusted = root ?? Authority.Certificate;
        X509Certificate2? seen = null;
        var tls = new SslStream(stream, leaveInnerStreamOpen: false, (_, certificate, _, _) =>
        {
            seen = new X509Certificate2(certificate!);
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(trusted);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return chain.Build(seen);
        });
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = host }, timeout.Token);
        return (socket, tls, seen!);
    }

    /// <summary>Sends <paramref name="request"/> in a fresh tunnel and reads until the proxy closes it.</summary>
    public async Task<string> SendAsync(string request)
    {
        var (socket, tls, _) = await OpenAsync();
        using (socket)
        await using (tls)
        {
            return await ExchangeAsync(tls, request, untilClose: true);
        }
    }

    /// <summary>Writes <paramref name="request"/>; reads until the close, or one response with a Content-Length body.</summary>
    public static async Task<string> ExchangeAsync(SslStream tls, string request, bool untilClose)
    {
        using var timeout = new CancellationTokenSource(TestKit.TestDefaults.Timeout);
        await tls.WriteAsync(Encoding.Latin1.GetBytes(request), timeout.Token);
        await tls.FlushAsync(timeout.Token);
        var answer = new StringBuilder();
        var buffer = new byte[8192];
        while (true)
        {
            int read;
            try
            {
                read = await tls.ReadAsync(buffer, timeout.Token);
            }
            catch (IOException)
            {
                break;
            }
            if (read == 0)
            {
                break;
            }
            answer.Append(Encoding.Latin1.GetString(buffer, 0, read));
            var text = answer.ToString();
            var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (!untilClose && end > 0)
            {
                var length = text[..end].Split("\r\n").Where(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase)).Select(l => int.Parse(l[15..].Trim(), System.Globalization.CultureInfo.InvariantCulture)).FirstOrDefault();
                if (text.Length >= end + 4 + length)
                {
                    break;
                }
            }
        }
        return answer.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        await Proxy.DisposeAsync();
        Server.Dispose();
        Authority.Dispose();
        _ca.Dispose();
    }
}
