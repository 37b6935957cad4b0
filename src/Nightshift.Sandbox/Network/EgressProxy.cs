using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;
using Nightshift.Sandbox.Network.Interception;

namespace Nightshift.Sandbox.Network;

/// <summary>
/// The only way out of a networked jail: a forward proxy on the host, listening on a Unix socket that is bound into the
/// jail (and bridged there to a loopback port the proxy variables name). It takes CONNECT tunnels (https) and plain
/// http requests with absolute URIs, resolves names itself, asks the <see cref="IEgressPolicy"/> about the target and
/// every address it resolved to, connects only to an address it checked (so a name that changes its answer cannot
/// smuggle a private address in), and reports every decision. One proxy serves one command, so each decision belongs
/// to it. Bad requests get 400, oversized heads 431; nothing a client sends ends the proxy.
/// </summary>
public sealed partial class EgressProxy : IAsyncDisposable
{
    private const int RelayBufferBytes = 16 * 1024;
    private static readonly byte[] HeadEnd = "\r\n\r\n"u8.ToArray();

    private readonly Socket _listener;
    private readonly IEgressPolicy _policy;
    private readonly EgressOptions _options;
    private readonly Action<NetworkDecision>? _onDecision;
    private readonly EgressInterception? _interception;
    private readonly ILogger _logger;
    private readonly Func<string, CancellationToken, Task<IPAddress[]>> _resolve;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<Task, byte> _connections = new();
    private readonly Task _acceptLoop;
    private int _open;
    private int _disposed;

    private EgressProxy(Socket listener, string socketPath, IEgressPolicy policy, EgressOptions options, Action<NetworkDecision>? onDecision, ILogger logger, EgressInterception? interception, Func<string, CancellationToken, Task<IPAddress[]>> resolve)
    {
        _interception = interception;
        _resolve = resolve;
        _listener = listener;
        SocketPath = socketPath;
        _policy = policy;
        _options = options;
        _onDecision = onDecision;
        _logger = logger;
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    /// <summary>The Unix socket the proxy listens on.</summary>
    public string SocketPath { get; }

    /// <summary>Starts a proxy listening on a new Unix socket at <paramref name="socketPath"/>.</summary>
    public static EgressProxy Start(string socketPath, IEgressPolicy policy, EgressOptions options, Action<NetworkDecision>? onDecision, ILogger logger) =>
        Start(socketPath, policy, options, onDecision, logger, interception: null, Dns.GetHostAddressesAsync);

    /// <summary>
    /// Starts a proxy that also looks inside tunnels to credentialed hosts (and hosts whose requests the policy
    /// inspects) with <paramref name="interception"/>; every other tunnel is relayed untouched.
    /// </summary>
    public static EgressProxy Start(string socketPath, IEgressPolicy policy, EgressOptions options, Action<NetworkDecision>? onDecision, ILogger logger, EgressInterception? interception) =>
        Start(socketPath, policy, options, onDecision, logger, interception, Dns.GetHostAddressesAsync);

    /// <summary>As the public one, resolving names with <paramref name="resolve"/> (tests give names answers that change).</summary>
    internal static EgressProxy Start(string socketPath, IEgressPolicy policy, EgressOptions options, Action<NetworkDecision>? onDecision, ILogger logger, Func<string, CancellationToken, Task<IPAddress[]>> resolve) =>
        Start(socketPath, policy, options, onDecision, logger, interception: null, resolve);

    /// <summary>As the public ones, with interception and resolving names with <paramref name="resolve"/>.</summary>
    internal static EgressProxy Start(string socketPath, IEgressPolicy policy, EgressOptions options, Action<NetworkDecision>? onDecision, ILogger logger, EgressInterception? interception, Func<string, CancellationToken, Task<IPAddress[]>> resolve)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            listener.Bind(new UnixDomainSocketEndPoint(socketPath));
            listener.Listen(64);
        }
        catch
        {
            listener.Dispose();
            throw;
        }
        return new EgressProxy(listener, socketPath, policy, options, onDecision, logger, interception, resolve);
    }

    /// <summary>Stops listening, ends every relayed connection and removes the socket.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Dispose();
        await _acceptLoop.ConfigureAwait(false);
        await Task.WhenAll(_connections.Keys).ConfigureAwait(false);
        _stop.Dispose();
        try
        {
            File.Delete(SocketPath);
        }
        catch (IOException)
        {
        }
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            var task = ServeAsync(client);
            _connections.TryAdd(task, 0);
            _ = task.ContinueWith(t => _connections.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    private async Task ServeAsync(Socket client)
    {
        await Task.Yield();
        using var stream = new NetworkStream(client, ownsSocket: true);
        try
        {
            if (Interlocked.Increment(ref _open) > _options.MaxConnections)
            {
                await RespondAsync(stream, 503, "Service Unavailable", $"this command has {_options.MaxConnections} connections open through the proxy already (Sandbox:Egress:MaxConnections)").ConfigureAwait(false);
                return;
            }
            await HandleAsync(stream).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The client or the target went away, or the command ended: nothing to report.
        }
#pragma warning disable CA1031 // One connection's failure must never end the proxy or the command it serves.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogConnectionFailed(_logger, ex);
        }
        finally
        {
            Interlocked.Decrement(ref _open);
        }
    }

    private async Task HandleAsync(NetworkStream client)
    {
        var buffer = new byte[_options.MaxHeaderBytes];
        var filled = 0;
        var headLength = -1;
        using (var request = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token))
        {
            request.CancelAfter(_options.RequestTimeout);
            try
            {
                while (headLength < 0)
                {
                    if (filled == buffer.Length)
                    {
                        await RespondAsync(client, 431, "Request Header Fields Too Large", $"the request head is larger than {_options.MaxHeaderBytes} bytes (Sandbox:Egress:MaxHeaderBytes)").ConfigureAwait(false);
                        return;
                    }
                    var read = await client.ReadAsync(buffer.AsMemory(filled), request.Token).ConfigureAwait(false);
                    if (read == 0)
                    {
                        if (filled > 0)
                        {
                            await RespondAsync(client, 400, "Bad Request", "the request head ended before its blank line").ConfigureAwait(false);
                        }
                        return;
                    }
                    var searchFrom = Math.Max(0, filled - HeadEnd.Length + 1);
                    filled += read;
                    var at = buffer.AsSpan(searchFrom, filled - searchFrom).IndexOf(HeadEnd);
                    headLength = at < 0 ? -1 : searchFrom + at;
                }
            }
            catch (OperationCanceledException) when (!_stop.IsCancellationRequested)
            {
                await RespondAsync(client, 408, "Request Timeout", $"the request head did not arrive within {_options.RequestTimeout.TotalSeconds:0} s").ConfigureAwait(false);
                return;
            }
        }

        if (ProxyRequestParser.Parse(buffer.AsSpan(0, headLength), out var problem) is not { } parsed)
        {
            await RespondAsync(client, 400, "Bad Request", problem ?? "the request could not be read").ConfigureAwait(false);
            return;
        }
        var leftover = buffer.AsMemory(headLength + HeadEnd.Length, filled - headLength - HeadEnd.Length);
        var target = parsed.Target;

        if (_policy.CheckTarget(target) is { } refusedTarget)
        {
            Decide(target, allowed: false, refusedTarget, null);
            await RespondAsync(client, 403, "Forbidden", refusedTarget).ConfigureAwait(false);
            return;
        }
        if (parsed.Tunnel && _interception is null && _policy.InspectsRequests(target) && WhyUninspectable(target) is { } uninspectable)
        {
            Decide(target, allowed: false, uninspectable, null);
            await RespondAsync(client, 403, "Forbidden", uninspectable).ConfigureAwait(false);
            return;
        }
        var addresses = await ResolveAsync(client, target).ConfigureAwait(false);
        if (addresses is null)
        {
            return;
        }
        foreach (var address in addresses)
        {
            if (_policy.CheckAddress(target, address) is { } refused)
            {
                // A name that resolves to any refused address is refused as a whole: which address a client would
                // end up on must not decide whether the policy holds.
                var reason = IPAddress.TryParse(target.Host, out _) ? refused : $"{target.Host} resolves to {refused}";
                Decide(target, allowed: false, reason, address);
                await RespondAsync(client, 403, "Forbidden", reason).ConfigureAwait(false);
                return;
            }
        }

        using var upstream = await ConnectAsync(client, target, addresses).ConfigureAwait(false);
        if (upstream is null)
        {
            return;
        }
        Decide(target, allowed: true, $"{((IPEndPoint)upstream.RemoteEndPoint!).Address} is allowed by the egress policy", ((IPEndPoint)upstream.RemoteEndPoint!).Address);
        using var server = new NetworkStream(upstream, ownsSocket: false);
        if (parsed.Tunnel)
        {
            await client.WriteAsync("HTTP/1.1 200 Connection established\r\n\r\n"u8.ToArray(), _stop.Token).ConfigureAwait(false);
            // A credentialed host, or one whose every request the policy checks: the proxy reads the requests itself.
            if (_interception is not null && (_interception.CredentialFor(target.Host, target.Port) is not null || _policy.InspectsRequests(target)))
            {
                var address = ((IPEndPoint)upstream.RemoteEndPoint!).Address;
                await new InterceptedTunnel(target, address, _policy, _interception, _options, (t, allowed, reason, a) => Decide(t, allowed, reason, a))
                    .RunAsync(client, leftover, upstream, _stop.Token).ConfigureAwait(false);
                return;
            }
        }
        else
        {
            var head = _interception?.CredentialFor(target.Host, target.Port) is { } credential
                ? PlainHttpCredential.Apply(parsed.ForwardedHead!, credential)
                : parsed.ForwardedHead!;
            await server.WriteAsync(Encoding.ASCII.GetBytes(head), _stop.Token).ConfigureAwait(false);
        }
        // A plain request's body is forwarded and nothing after it: a second request pipelined behind it would reach
        // the server without being checked (a POST behind an allowed GET). Tunnels and chunked bodies are not bounded.
        var forward = parsed.Tunnel ? long.MaxValue : parsed.BodyLength ?? long.MaxValue;
        if (!leftover.IsEmpty && forward > 0)
        {
            var first = leftover[..(int)Math.Min(leftover.Length, forward)];
            await server.WriteAsync(first, _stop.Token).ConfigureAwait(false);
            forward -= first.Length;
        }
        await RelayAsync(client, server, upstream, forward).ConfigureAwait(false);
    }

    /// <summary>
    /// Why a tunnel whose policy must see every request inside it cannot be served by a proxy without interception. A
    /// blind tunnel would let any method through unseen, so such a proxy refuses it.
    /// </summary>
    private static string? WhyUninspectable(EgressTarget target) =>
        $"{target.Host}:{target.Port} is allowed only for some methods, which the proxy checks request by request, but this proxy has no certificate authority to look inside the https tunnel; " +
        "allow the host for every method in the allow-list, or reach it over plain http";

    private async Task<IPAddress[]?> ResolveAsync(NetworkStream client, EgressTarget target)
    {
        if (IPAddress.TryParse(target.Host, out var literal))
        {
            return [literal];
        }
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        deadline.CancelAfter(_options.RequestTimeout);
        IPAddress[] addresses;
        try
        {
            addresses = await _resolve(target.Host, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!_stop.IsCancellationRequested)
        {
            Decide(target, allowed: false, $"resolving {target.Host} took longer than {_options.RequestTimeout.TotalSeconds:0} s", null);
            await RespondAsync(client, 504, "Gateway Timeout", $"resolving {target.Host} took too long").ConfigureAwait(false);
            return null;
        }
        catch (SocketException ex)
        {
            addresses = [];
            LogResolveFailed(_logger, target.Host, ex.SocketErrorCode);
        }
        if (addresses.Length == 0)
        {
            Decide(target, allowed: false, $"{target.Host} did not resolve to any address", null);
            await RespondAsync(client, 502, "Bad Gateway", $"{target.Host} did not resolve to any address").ConfigureAwait(false);
            return null;
        }
        return addresses;
    }

    private async Task<Socket?> ConnectAsync(NetworkStream client, EgressTarget target, IPAddress[] addresses)
    {
        string? lastError = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            deadline.CancelAfter(_options.ConnectTimeout);
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, target.Port), deadline.Token).ConfigureAwait(false);
                return socket;
            }
            catch (OperationCanceledException) when (!_stop.IsCancellationRequested)
            {
                lastError = $"connecting to {address} took longer than {_options.ConnectTimeout.TotalSeconds:0} s";
            }
            catch (SocketException ex)
            {
                lastError = $"connecting to {address} failed ({ex.SocketErrorCode})";
            }
            socket.Dispose();
        }
        _stop.Token.ThrowIfCancellationRequested();
        Decide(target, allowed: true, $"allowed by the egress policy, but {lastError}", addresses[0]);
        await RespondAsync(client, 502, "Bad Gateway", lastError ?? "could not connect").ConfigureAwait(false);
        return null;
    }

    private async Task RelayAsync(NetworkStream client, NetworkStream server, Socket upstream, long forwardUp)
    {
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        idle.CancelAfter(_options.IdleTimeout);
        var up = PumpAsync(client, server, () => upstream.Shutdown(SocketShutdown.Send), idle, forwardUp);
        var down = PumpAsync(server, client, () => client.Socket.Shutdown(SocketShutdown.Send), idle, long.MaxValue);
        var first = await Task.WhenAny(up, down).ConfigureAwait(false);
        if (first.IsFaulted || first.IsCanceled)
        {
            await idle.CancelAsync().ConfigureAwait(false);
        }
        try
        {
            await Task.WhenAll(up, down).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    /// <summary>Copies <paramref name="from"/> to <paramref name="to"/>, at most <paramref name="forward"/> bytes; what comes after is read and dropped.</summary>
    private async Task PumpAsync(NetworkStream from, NetworkStream to, Action endOutput, CancellationTokenSource idle, long forward)
    {
        var buffer = new byte[RelayBufferBytes];
        while (true)
        {
            var read = await from.ReadAsync(buffer, idle.Token).ConfigureAwait(false);
            if (read == 0)
            {
                try
                {
                    endOutput();
                }
                catch (SocketException)
                {
                }
                return;
            }
            idle.CancelAfter(_options.IdleTimeout);
            var send = (int)Math.Min(read, forward);
            if (send > 0)
            {
                await to.WriteAsync(buffer.AsMemory(0, send), idle.Token).ConfigureAwait(false);
                forward -= send;
            }
        }
    }

    private void Decide(EgressTarget target, bool allowed, string reason, IPAddress? address)
    {
        LogDecision(_logger, target.Method, target.Host, target.Port, allowed, reason);
        if (_onDecision is null)
        {
            return;
        }
        try
        {
            _onDecision(new NetworkDecision(target.Host, target.Port, target.Method, allowed, reason) { Address = address?.ToString() });
        }
#pragma warning disable CA1031 // A listener's failure must not change what the proxy does.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogListenerFailed(_logger, ex);
        }
    }

    /// <summary>
    /// Answers with an error and closes the sending side, then reads (and drops) what the client still sends for a
    /// moment, so that closing with unread input does not reset the connection before the client has read the answer.
    /// </summary>
    private static async Task RespondAsync(NetworkStream client, int status, string phrase, string message)
    {
        var body = Encoding.UTF8.GetBytes($"nightshift egress proxy: {message}\n");
        var head = Encoding.ASCII.GetBytes($"HTTP/1.1 {status} {phrase}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n");
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await client.WriteAsync(head, deadline.Token).ConfigureAwait(false);
        await client.WriteAsync(body, deadline.Token).ConfigureAwait(false);
        client.Socket.Shutdown(SocketShutdown.Send);
        var sink = new byte[4096];
        for (var drained = 0; drained < 1 << 20;)
        {
            var read = await client.ReadAsync(sink, deadline.Token).ConfigureAwait(false);
            if (read == 0)
            {
                return;
            }
            drained += read;
        }
    }

    [LoggerMessage(EventId = 4010, Level = LogLevel.Debug, Message = "Egress proxy: {Method} {Host}:{Port} allowed={Allowed} ({Reason})")]
    private static partial void LogDecision(ILogger logger, string method, string host, int port, bool allowed, string reason);

    [LoggerMessage(EventId = 4011, Level = LogLevel.Warning, Message = "Egress proxy: a connection failed unexpectedly; the proxy keeps serving")]
    private static partial void LogConnectionFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 4012, Level = LogLevel.Warning, Message = "Egress proxy: a network decision listener threw; the decision stands")]
    private static partial void LogListenerFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 4013, Level = LogLevel.Debug, Message = "Egress proxy: resolving {Host} failed ({Error})")]
    private static partial void LogResolveFailed(ILogger logger, string host, SocketError error);
}
