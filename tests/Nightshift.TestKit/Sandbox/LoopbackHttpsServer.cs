using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Nightshift.TestKit.Sandbox;

/// <summary>
/// A minimal HTTPS server on 127.0.0.1 (OS-chosen port) with a certificate from a test CA of its own (written to
/// <see cref="CaFile"/>, for Sandbox:Egress:UpstreamCaFile). It keeps connections alive, reads each request's body by
/// its Content-Length or chunks, keeps every request (head and body) and answers 200 with <see cref="Body"/>; a
/// request to <c>/echo-header</c> gets the value of its X-Echo header's named header back instead.
/// </summary>
public sealed class LoopbackHttpsServer : IDisposable
{
    public const string Body = "hello over tls";

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly X509Certificate2 _certificate;
    private readonly TempFolder _folder = new("nightshift-https-test-");

    /// <param name="certificateName">the name the server's certificate is for (localhost by default; another to test a mismatch).</param>
    public LoopbackHttpsServer(string certificateName = "localhost")
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=Nightshift test upstream CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        using var ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(1));
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + certificateName, key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(certificateName);
        if (certificateName == "localhost")
        {
            san.AddIpAddress(IPAddress.Loopback);
        }
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        using var issued = request.Create(ca.SubjectName, X509SignatureGenerator.CreateForECDsa(caKey), DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(1), [1, 2, 3, 4]);
        _certificate = issued.CopyWithPrivateKey(key);
        Thumbprint = _certificate.Thumbprint;
        CaFile = _folder.File("upstream-ca.pem");
        File.WriteAllText(CaFile, ca.ExportCertificatePem() + "\n");
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _loop = AcceptAsync();
    }

    public int Port { get; }

    /// <summary>A PEM file holding the test CA that signed the server's certificate.</summary>
    public string CaFile { get; }

    /// <summary>The server certificate's SHA-1 thumbprint, to tell it from one an intercepting proxy shows.</summary>
    public string Thumbprint { get; }

    /// <summary>The requests received (head, blank line, body), in order.</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>How many TLS connections were accepted.</summary>
    public int Connections => _connections;

    private int _connections;

    private async Task AcceptAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                client.NoDelay = true;
                _ = ServeAsync(client);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                await using var tls = new SslStream(client.GetStream());
                await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = _certificate }, _stop.Token);
                Interlocked.Increment(ref _connections);
                var reader = new BufferedStream(tls);
                while (await ReadLineAsync(reader) is { } requestLine)
                {
                    var head = new StringBuilder(requestLine).Append("\r\n");
                    var headers = new List<(string Name, string Value)>();
                    while (await ReadLineAsync(reader) is { Length: > 0 } line)
                    {
                        head.Append(line).Append("\r\n");
                        var colon = line.IndexOf(':', StringComparison.Ordinal);
                        headers.Add((line[..colon], line[(colon + 1)..].Trim()));
                    }
                    string Header(string name) => headers.FirstOrDefault(h => h.Name.Equals(name, StringComparison.OrdinalIgnoreCase)).Value ?? "";
                    var body = new MemoryStream();
                    if (Header("Transfer-Encoding").Equals("chunked", StringComparison.OrdinalIgnoreCase))
                    {
                        while (await ReadLineAsync(reader) is { } sizeLine && int.Parse(sizeLine.Split(';')[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture) is var size and > 0)
                        {
                            await CopyAsync(reader, body, size);
                            await ReadLineAsync(reader);
                        }
                        while (await ReadLineAsync(reader) is { Length: > 0 })
                        {
                        }
                    }
                    else if (Header("Content-Length") is { Length: > 0 } length)
                    {
                        await CopyAsync(reader, body, int.Parse(length, CultureInfo.InvariantCulture));
                    }
                    Requests.Enqueue(head + "\r\n" + Encoding.UTF8.GetString(body.ToArray()));
                    var answer = requestLine.StartsWith("GET /echo-header ", StringComparison.Ordinal) ? Header(Header("X-Echo")) : Body;
                    var bytes = Encoding.UTF8.GetBytes(answer);
                    var close = Header("Connection").Equals("close", StringComparison.OrdinalIgnoreCase);
                    await tls.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {bytes.Length}\r\n{(close ? "Connection: close\r\n" : "")}\r\n"), _stop.Token);
                    if (!requestLine.StartsWith("HEAD ", StringComparison.Ordinal))
                    {
                        await tls.WriteAsync(bytes, _stop.Token);
                    }
                    await tls.FlushAsync(_stop.Token);
                    if (close)
                    {
                        return;
                    }
                }
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or System.Security.Authentication.AuthenticationException or FormatException or ObjectDisposedException)
            {
            }
        }
    }

    private async Task<string?> ReadLineAsync(Stream stream)
    {
        var line = new List<byte>();
        var one = new byte[1];
        while (await stream.ReadAsync(one, _stop.Token) == 1)
        {
            if (one[0] == '\n')
            {
                return Encoding.Latin1.GetString([.. line]).TrimEnd('\r');
            }
            line.Add(one[0]);
            if (line.Count > 256 * 1024)
            {
                return null;
            }
        }
        return null;
    }

    private async Task CopyAsync(Stream from, Stream to, int count)
    {
        var buffer = new byte[8192];
        while (count > 0)
        {
            var read = await from.ReadAsync(buffer.AsMemory(0, Math.Min(buffer.Length, count)), _stop.Token);
            if (read == 0)
            {
                throw new IOException("the body ended early");
            }
            to.Write(buffer, 0, read);
            count -= read;
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _loop.Wait(TimeSpan.FromSeconds(5));
        _stop.Dispose();
        _certificate.Dispose();
        _folder.Dispose();
    }
}
