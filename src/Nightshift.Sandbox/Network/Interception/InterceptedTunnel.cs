using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;

namespace Nightshift.Sandbox.Network.Interception;

/// <summary>
/// A CONNECT tunnel the egress proxy looks inside: TLS ends at the proxy with a certificate from the installation's
/// CA, the proxy opens its own TLS connection to the host (checking the host's certificate), then reads HTTP/1.1
/// requests one at a time, asks the policy about each (with its method) when the policy inspects the host, replaces
/// the credential's header with the credential, forwards the request and relays the response, keeping the connection
/// for the next request. Every request is a decision, reported without the header's value.
/// </summary>
internal sealed class InterceptedTunnel(
    EgressTarget target,
    IPAddress address,
    IEgressPolicy policy,
    EgressInterception interception,
    EgressOptions options,
    Action<EgressTarget, bool, string, IPAddress?> decide)
{
    private const int MaxResponseHeadBytes = 64 * 1024;
    private const int MaxChunkLineBytes = 4096;
    private const int MaxInformational = 10;
    private const int IpProtocolTcp = 6;
    private const int TcpQuickAck = 12;
    private static readonly byte[] QuickAckOn = [1, 0, 0, 0];

    // Hop-by-hop headers describe the command's connection to the proxy, not the request; Expect is answered here.
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authorization", "TE", "Trailer", "Upgrade", "Expect",
    };

    private readonly EgressCredential? _credential = interception.CredentialFor(target.Host, target.Port);
    private readonly bool _inspects = policy.InspectsRequests(target);

    public async Task RunAsync(NetworkStream client, ReadOnlyMemory<byte> leftover, Socket upstream, CancellationToken stop)
    {
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(stop);
        idle.CancelAfter(options.RequestTimeout);
        await using var clientTls = new SslStream(new PrefixedStream(client, leftover), leaveInnerStreamOpen: true);
        try
        {
            await clientTls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
            {
                ServerCertificateContext = interception.Authority.LeafFor(target.Host),
                ApplicationProtocols = [SslApplicationProtocol.Http11],
                ClientCertificateRequired = false,
            }, idle.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException)
        {
            // The command does not trust the installation's CA (or spoke no TLS): nothing reached the host.
            decide(target, false, $"the command's TLS handshake with the proxy failed ({ex.Message}); tools in the jail trust the proxy's CA through SSL_CERT_FILE and its siblings", address);
            return;
        }

        string? upstreamProblem = null;
        await using var serverTls = new SslStream(new NetworkStream(upstream, ownsSocket: false), leaveInnerStreamOpen: false,
            (_, certificate, chain, errors) => interception.Upstream.Accepts(certificate, chain, errors, out upstreamProblem));
        try
        {
            await serverTls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = target.Host,
                ApplicationProtocols = [SslApplicationProtocol.Http11],
            }, idle.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException)
        {
            var why = upstreamProblem ?? ex.Message;
            decide(target, true, $"allowed by the egress policy, but the TLS connection to {target.Host} failed: {why}", address);
            var reader = new MessageReader(clientTls, () => { });
            await reader.ReadHeadAsync(options.MaxHeaderBytes, idle.Token).ConfigureAwait(false);
            await RespondAsync(clientTls, 502, "Bad Gateway", $"the TLS connection to {target.Host} failed: {why}", idle.Token).ConfigureAwait(false);
            return;
        }

        var fromClient = new MessageReader(clientTls, () => idle.CancelAfter(options.IdleTimeout));
        var fromServer = new MessageReader(serverTls, () =>
        {
            idle.CancelAfter(options.IdleTimeout);
            QuickAck(upstream);
        });
        var first = true;
        while (true)
        {
            idle.CancelAfter(first ? options.RequestTimeout : options.IdleTimeout);
            first = false;
            if (!await ExchangeAsync(fromClient, clientTls, fromServer, serverTls, idle.Token).ConfigureAwait(false))
            {
                return;
            }
        }
    }

    /// <summary>One request and its response; false when the connection ends after it.</summary>
    private async Task<bool> ExchangeAsync(MessageReader fromClient, Stream client, MessageReader fromServer, Stream server, CancellationToken cancellationToken)
    {
        var (status, bytes) = await fromClient.ReadHeadAsync(options.MaxHeaderBytes, cancellationToken).ConfigureAwait(false);
        switch (status)
        {
            case HeadRead.End:
                return false;
            case HeadRead.TooLarge:
                await RespondAsync(client, 431, "Request Header Fields Too Large", $"the request head is larger than {options.MaxHeaderBytes} bytes (Sandbox:Egress:MaxHeaderBytes)", cancellationToken).ConfigureAwait(false);
                return false;
            case HeadRead.Truncated:
                await RespondAsync(client, 400, "Bad Request", "the request head ended before its blank line", cancellationToken).ConfigureAwait(false);
                return false;
        }
        if (MessageHead.ParseRequest(bytes, out var problem) is not { } request)
        {
            await RespondAsync(client, 400, "Bad Request", problem ?? "the request could not be read", cancellationToken).ConfigureAwait(false);
            return false;
        }
        if (OriginForm(request, out problem) is not { } path)
        {
            await RespondAsync(client, 400, "Bad Request", problem!, cancellationToken).ConfigureAwait(false);
            return false;
        }
        var method = request.StartLine[0];
        var asked = target with { Method = method };
        if (_inspects && policy.CheckTarget(asked) is { } refusal)
        {
            decide(asked, false, refusal, address);
            await RespondAsync(client, 403, "Forbidden", refusal, cancellationToken).ConfigureAwait(false);
            return false;
        }
        decide(asked, true, _credential is null
            ? $"{address} is allowed by the egress policy (request inspected)"
            : $"{address} is allowed by the egress policy; the proxy set the {_credential.HeaderName} header", address);

        var closeAfter = request.StartLine[2] == "HTTP/1.0" || request.ConnectionHas("close");
        var head = new StringBuilder();
        head.Append(method).Append(' ').Append(path).Append(" HTTP/1.1\r\n");
        foreach (var (name, value) in request.Headers)
        {
            if (!HopByHop.Contains(name) && (_credential is null || !name.Equals(_credential.HeaderName, StringComparison.OrdinalIgnoreCase)))
            {
                head.Append(name).Append(": ").Append(value).Append("\r\n");
            }
        }
        if (_credential is not null)
        {
            head.Append(_credential.HeaderName).Append(": ").Append(_credential.HeaderValue).Append("\r\n");
        }
        if (closeAfter)
        {
            head.Append("Connection: close\r\n");
        }
        head.Append("\r\n");
        if (request.Values("Expect").Any(v => v.Equals("100-continue", StringComparison.OrdinalIgnoreCase)))
        {
            await client.WriteAsync("HTTP/1.1 100 Continue\r\n\r\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
        }
        await server.WriteAsync(Encoding.Latin1.GetBytes(head.ToString()), cancellationToken).ConfigureAwait(false);
        var bodyProblem = request.Chunked
            ? await CopyChunkedAsync(fromClient, server, cancellationToken).ConfigureAwait(false)
            : await fromClient.CopyAsync(request.ContentLength ?? 0, server, cancellationToken).ConfigureAwait(false) ? null : "the request body ended before its Content-Length";
        if (bodyProblem is not null)
        {
            await RespondAsync(client, 400, "Bad Request", bodyProblem, cancellationToken).ConfigureAwait(false);
            return false;
        }
        await server.FlushAsync(cancellationToken).ConfigureAwait(false);
        return await RelayResponseAsync(fromServer, client, method, cancellationToken).ConfigureAwait(false) && !closeAfter;
    }

    /// <summary>Relays the response (after any 1xx); false when the connection cannot carry another request.</summary>
    private async Task<bool> RelayResponseAsync(MessageReader fromServer, Stream client, string method, CancellationToken cancellationToken)
    {
        for (var informational = 0; ; informational++)
        {
            var (status, bytes) = await fromServer.ReadHeadAsync(MaxResponseHeadBytes, cancellationToken).ConfigureAwait(false);
            if (status != HeadRead.Complete)
            {
                await RespondAsync(client, 502, "Bad Gateway", $"{target.Host} closed the connection or sent a response head that is {(status == HeadRead.TooLarge ? "too large" : "cut short")}", cancellationToken).ConfigureAwait(false);
                return false;
            }
            if (MessageHead.ParseResponse(bytes, out var problem) is not { } response)
            {
                await RespondAsync(client, 502, "Bad Gateway", $"{target.Host} sent a response the proxy cannot relay safely: {problem}", cancellationToken).ConfigureAwait(false);
                return false;
            }
            var code = response.Status;
            if (code == 101 || (code < 200 && informational >= MaxInformational))
            {
                await RespondAsync(client, 502, "Bad Gateway", $"{target.Host} answered {code}, which the proxy does not relay inside an intercepted tunnel", cancellationToken).ConfigureAwait(false);
                return false;
            }
            await client.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
            await client.WriteAsync("\r\n\r\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
            if (code < 200)
            {
                continue;
            }
            var keepAlive = !response.ConnectionHas("close") && (response.StartLine[0] == "HTTP/1.1" || response.ConnectionHas("keep-alive"));
            if (method == "HEAD" || code is 204 or 304)
            {
                await client.FlushAsync(cancellationToken).ConfigureAwait(false);
                return keepAlive;
            }
            if (response.Chunked)
            {
                if (await CopyChunkedAsync(fromServer, client, cancellationToken).ConfigureAwait(false) is not null)
                {
                    return false;
                }
            }
            else if (response.ContentLength is { } length)
            {
                if (!await fromServer.CopyAsync(length, client, cancellationToken).ConfigureAwait(false))
                {
                    return false;
                }
            }
            else
            {
                await fromServer.CopyToEndAsync(client, cancellationToken).ConfigureAwait(false);
                return false;
            }
            await client.FlushAsync(cancellationToken).ConfigureAwait(false);
            return keepAlive;
        }
    }

    /// <summary>Copies a chunked body as it is, checking its framing; null when it was whole, else what was wrong.</summary>
    private static async Task<string?> CopyChunkedAsync(MessageReader from, Stream to, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (await from.ReadLineAsync(MaxChunkLineBytes, cancellationToken).ConfigureAwait(false) is not { } line)
            {
                return "a chunk-size line is missing, too long or does not end in CRLF";
            }
            var text = Encoding.Latin1.GetString(line);
            var sizeText = text.Split(';', 2)[0].TrimEnd(' ', '\t');
            if (sizeText.Length is 0 or > 15 || !sizeText.All(char.IsAsciiHexDigit) || text.Any(c => c < 0x20 && c != '\t'))
            {
                return "a chunk size is not a hexadecimal number";
            }
            var size = long.Parse(sizeText, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
            await to.WriteAsync(line, cancellationToken).ConfigureAwait(false);
            await to.WriteAsync("\r\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
            if (size == 0)
            {
                for (var trailers = 0; ; trailers++)
                {
                    if (trailers > 100 || await from.ReadLineAsync(MaxChunkLineBytes, cancellationToken).ConfigureAwait(false) is not { } trailer)
                    {
                        return "the chunked body's trailer section is malformed";
                    }
                    await to.WriteAsync(trailer, cancellationToken).ConfigureAwait(false);
                    await to.WriteAsync("\r\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
                    if (trailer.Length == 0)
                    {
                        return null;
                    }
                }
            }
            if (!await from.CopyAsync(size, to, cancellationToken).ConfigureAwait(false))
            {
                return "the chunked body ended inside a chunk";
            }
            if (await from.ReadLineAsync(0, cancellationToken).ConfigureAwait(false) is not { Length: 0 })
            {
                return "a chunk is not followed by CRLF";
            }
            await to.WriteAsync("\r\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The request's target in origin form, checked against the tunnel's host; null with <paramref name="problem"/> otherwise.</summary>
    private string? OriginForm(MessageHead request, out string? problem)
    {
        problem = null;
        var requestTarget = request.StartLine[1];
        var authority = target.Port == 443 ? target.Host : $"{target.Host}:{target.Port.ToString(CultureInfo.InvariantCulture)}";
        if (requestTarget.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            var rest = requestTarget["https://".Length..];
            var slash = rest.IndexOfAny(['/', '?']);
            var named = slash < 0 ? rest : rest[..slash];
            if (!SameAuthority(named, authority))
            {
                problem = $"the request names {named}, but this tunnel goes to {authority}";
                return null;
            }
            requestTarget = slash < 0 ? "/" : rest[slash] == '?' ? "/" + rest[slash..] : rest[slash..];
        }
        if (!requestTarget.StartsWith('/') && !(requestTarget == "*" && request.StartLine[0] == "OPTIONS"))
        {
            problem = "the request target must be a path (origin form) inside a tunnel";
            return null;
        }
        var hosts = request.Values("Host").ToList();
        if (hosts.Count != 1 || !SameAuthority(hosts[0], authority))
        {
            problem = hosts.Count == 1
                ? $"the Host header names {hosts[0]}, but this tunnel goes to {authority}"
                : "the request needs exactly one Host header";
            return null;
        }
        return requestTarget;
    }

    private bool SameAuthority(string named, string authority) =>
        named.Equals(authority, StringComparison.OrdinalIgnoreCase)
        || named.Equals($"{target.Host}:{target.Port.ToString(CultureInfo.InvariantCulture)}", StringComparison.OrdinalIgnoreCase)
        || named.Equals($"[{target.Host}]:{target.Port.ToString(CultureInfo.InvariantCulture)}", StringComparison.OrdinalIgnoreCase)
        || (target.Port == 443 && named.Equals($"[{target.Host}]", StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Acknowledges what the host sent at once. A host that writes a response's head and body apart with Nagle on
    /// holds the body back until the head is acknowledged, and Linux may delay that acknowledgement by 40 ms on a
    /// connection that carries requests one after another; a direct client meets the same, but through the proxy it
    /// would land on every kept-alive request.
    /// </summary>
    private static void QuickAck(Socket upstream)
    {
        if (OperatingSystem.IsLinux() && upstream.ProtocolType == ProtocolType.Tcp)
        {
            try
            {
                upstream.SetRawSocketOption(IpProtocolTcp, TcpQuickAck, QuickAckOn);
            }
            catch (SocketException)
            {
            }
        }
    }

    private static async Task RespondAsync(Stream client, int status, string phrase, string message, CancellationToken cancellationToken)
    {
        var body = Encoding.UTF8.GetBytes($"nightshift egress proxy: {message}\n");
        var head = Encoding.ASCII.GetBytes($"HTTP/1.1 {status} {phrase}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n");
        try
        {
            await client.WriteAsync(head, cancellationToken).ConfigureAwait(false);
            await client.WriteAsync(body, cancellationToken).ConfigureAwait(false);
            await client.FlushAsync(cancellationToken).ConfigureAwait(false);
            if (client is SslStream tls)
            {
                await tls.ShutdownAsync().ConfigureAwait(false);
            }
        }
        catch (IOException)
        {
        }
    }
}
