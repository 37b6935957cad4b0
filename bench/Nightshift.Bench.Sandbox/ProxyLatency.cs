using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Nightshift.Sandbox.Network;
using Nightshift.Sandbox.Network.Interception;
using Nightshift.TestKit.Sandbox;

/// <summary>
/// One HTTPS request on loopback, measured four ways in the same run, interleaved: straight to the server, through the
/// egress proxy's blind tunnel (a host without credential), and through an intercepted tunnel (a credentialed host:
/// TLS ends at the proxy, which adds the header and opens its own TLS connection); each with a new connection per
/// request, and then kept alive (requests on one open connection). The proxy runs in this process on its Unix socket,
/// as the sandbox starts it; the jail's socat bridge in front of it is not part of these figures.
/// </summary>
internal static class ProxyLatency
{
    public static async Task RunAsync(int runs)
    {
        using var server = new LoopbackHttpsServer();
        var folder = Directory.CreateTempSubdirectory("nightshift-bench-proxy-").FullName;
        try
        {
            using var authority = EgressCertificateAuthority.LoadOrCreate(Path.Join(folder, "ca"), "bench");
            using var upstreamRoot = X509CertificateLoader.LoadCertificateFromFile(server.CaFile);
            var allow = new PublicInternetPolicy([EgressAllowance.TryParse($"127.0.0.1:{server.Port}", out _)!, EgressAllowance.TryParse($"[::1]:{server.Port}", out _)!]);
            var credential = new EgressCredential("localhost", server.Port, "Authorization", "Bearer bench-not-a-secret");
            await using var blind = EgressProxy.Start(Path.Join(folder, "blind.sock"), allow, new EgressOptions(), null, NullLogger.Instance,
                new EgressInterception(authority, UpstreamTrust.FromFile(server.CaFile), []));
            await using var intercepting = EgressProxy.Start(Path.Join(folder, "intercept.sock"), allow, new EgressOptions(), null, NullLogger.Instance,
                new EgressInterception(authority, UpstreamTrust.FromFile(server.CaFile), [credential]));

            async Task<SslStream> DirectAsync()
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, server.Port));
                return await TlsAsync(new NetworkStream(socket, ownsSocket: true), upstreamRoot);
            }

            async Task<SslStream> ProxiedAsync(string socketPath, X509Certificate2 root)
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath));
                var stream = new NetworkStream(socket, ownsSocket: true);
                await stream.WriteAsync(Encoding.ASCII.GetBytes($"CONNECT localhost:{server.Port} HTTP/1.1\r\nHost: localhost:{server.Port}\r\n\r\n"));
                var head = new StringBuilder();
                var one = new byte[1];
                while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal) && await stream.ReadAsync(one) == 1)
                {
                    head.Append((char)one[0]);
                }
                if (!head.ToString().StartsWith("HTTP/1.1 200 ", StringComparison.Ordinal))
                {
                    throw new InvalidOperationException("the proxy refused the tunnel: " + head);
                }
                return await TlsAsync(stream, root);
            }

            Func<Task<SslStream>>[] openers =
            [
                DirectAsync,
                () => ProxiedAsync(Path.Join(folder, "blind.sock"), upstreamRoot),
                () => ProxiedAsync(Path.Join(folder, "intercept.sock"), authority.Certificate),
            ];
            string[] names = ["direct", "blind tunnel", "intercepted"];

            for (var i = 0; i < 20; i++)
            {
                foreach (var opener in openers)
                {
                    await using var tls = await opener();
                    await RequestAsync(tls, server.Port);
                }
            }

            var fresh = names.Select(_ => new List<double>(runs)).ToArray();
            for (var i = 0; i < runs; i++)
            {
                for (var way = 0; way < openers.Length; way++)
                {
                    var clock = Stopwatch.StartNew();
                    await using (var tls = await openers[way]())
                    {
                        await RequestAsync(tls, server.Port);
                    }
                    fresh[way].Add(clock.Elapsed.TotalMilliseconds);
                }
            }

            var kept = names.Select(_ => new List<double>(runs)).ToArray();
            var open = new SslStream[openers.Length];
            for (var way = 0; way < openers.Length; way++)
            {
                open[way] = await openers[way]();
                await RequestAsync(open[way], server.Port);
            }
            for (var i = 0; i < runs; i++)
            {
                for (var way = 0; way < openers.Length; way++)
                {
                    var clock = Stopwatch.StartNew();
                    await RequestAsync(open[way], server.Port);
                    kept[way].Add(clock.Elapsed.TotalMilliseconds);
                }
            }
            foreach (var stream in open)
            {
                await stream.DisposeAsync();
            }

            Console.WriteLine($"HTTPS request on loopback, {runs} runs each, interleaved (load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}, {Environment.ProcessorCount} CPUs)");
            Print("new connection per request (TCP + TLS + request)", names, fresh);
            Print("kept-alive connection (request only)", names, kept);
            Console.WriteLine($"server saw {server.Requests.Count(r => r.Contains("bench-not-a-secret", StringComparison.Ordinal))} requests with the injected credential (expected {runs * 2 + 21})");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static void Print(string title, string[] names, List<double>[] times)
    {
        Console.WriteLine(title + ":");
        var baseline = Percentile(times[0], 50);
        for (var way = 0; way < names.Length; way++)
        {
            var p50 = Percentile(times[way], 50);
            Console.WriteLine($"  {names[way],-14} p50 {p50,7:0.000} ms  p95 {Percentile(times[way], 95),7:0.000} ms  ({p50 / baseline:0.00}x direct, +{p50 - baseline:0.000} ms)");
        }
    }

    private static double Percentile(List<double> values, int percentile)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(percentile / 100.0 * sorted.Count) - 1)];
    }

    private static async Task<SslStream> TlsAsync(Stream inner, X509Certificate2 root)
    {
        var tls = new SslStream(inner, leaveInnerStreamOpen: false, (_, certificate, _, _) =>
        {
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(root);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            using var seen = new X509Certificate2(certificate!);
            return chain.Build(seen);
        });
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "localhost" });
        return tls;
    }

    private static async Task RequestAsync(SslStream tls, int port)
    {
        await tls.WriteAsync(Encoding.ASCII.GetBytes($"GET / HTTP/1.1\r\nHost: localhost:{port}\r\n\r\n"));
        await tls.FlushAsync();
        var expected = LoopbackHttpsServer.Body.Length;
        var answer = new StringBuilder();
        var buffer = new byte[4096];
        while (true)
        {
            var read = await tls.ReadAsync(buffer);
            if (read == 0)
            {
                throw new InvalidOperationException("the connection closed before the answer was whole: " + answer);
            }
            answer.Append(Encoding.ASCII.GetString(buffer, 0, read));
            var text = answer.ToString();
            var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end >= 0 && text.Length >= end + 4 + expected)
            {
                if (!text.StartsWith("HTTP/1.1 200 ", StringComparison.Ordinal))
                {
                    throw new InvalidOperationException("the request was refused: " + text);
                }
                return;
            }
        }
    }
}
