using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Nightshift.Server.Tests.Support;
using Nightshift.TestKit;

namespace Nightshift.Server.Tests.Streaming;

/// <summary>A real WebSocket client of <c>GET /api/v1/stream</c> on the running server, reading whole JSON messages.</summary>
internal sealed class StreamClient : IAsyncDisposable
{
    private readonly byte[] _buffer = new byte[8 * 1024];
    private readonly HttpMessageInvoker? _invoker;

    private StreamClient(ClientWebSocket socket, HttpMessageInvoker? invoker)
    {
        Socket = socket;
        _invoker = invoker;
    }

    public ClientWebSocket Socket { get; }

    public static Uri StreamUri(RunningServer server) => new(server.Url.Replace("http://", "ws://", StringComparison.Ordinal) + "/api/v1/stream");

    /// <param name="receiveBufferBytes">a small kernel receive buffer makes a client that does not read fill up quickly.</param>
    public static async Task<StreamClient> ConnectAsync(RunningServer server, string? token = "", Action<ClientWebSocketOptions>? configure = null, int? receiveBufferBytes = null)
    {
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        var bearer = token == "" ? server.Token : token;
        if (bearer is not null)
        {
            socket.Options.SetRequestHeader("Authorization", "Bearer " + bearer);
        }
        configure?.Invoke(socket.Options);
        HttpMessageInvoker? invoker = null;
        if (receiveBufferBytes is { } size)
        {
            invoker = new HttpMessageInvoker(new SocketsHttpHandler
            {
                ConnectCallback = async (context, cancellationToken) =>
                {
                    var raw = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, ReceiveBufferSize = size };
                    await raw.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(raw, ownsSocket: true);
                },
            });
        }
        try
        {
            await socket.ConnectAsync(StreamUri(server), invoker, TestDefaults.TimeoutToken());
        }
        catch
        {
            invoker?.Dispose();
            throw;
        }
        return new StreamClient(socket, invoker);
    }

    public Task SendAsync(string text) =>
        Socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, endOfMessage: true, TestDefaults.TimeoutToken());

    /// <summary>The next message as JSON; null when the server closed the connection instead.</summary>
    public async Task<JsonElement?> ReceiveAsync(CancellationToken cancellationToken = default)
    {
        if (cancellationToken == default)
        {
            cancellationToken = TestDefaults.TimeoutToken();
        }
        using var message = new MemoryStream();
        while (true)
        {
            var result = await Socket.ReceiveAsync(_buffer.AsMemory(), cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }
            message.Write(_buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                return JsonDocument.Parse(message.ToArray()).RootElement.Clone();
            }
        }
    }

    /// <summary>Reads until a message of <paramref name="type"/> comes, failing on a close.</summary>
    public async Task<JsonElement> ReceiveTypeAsync(string type)
    {
        while (true)
        {
            var message = await ReceiveAsync() ?? throw new InvalidOperationException(
                $"the server closed the stream ({Socket.CloseStatus} '{Socket.CloseStatusDescription}') while a '{type}' message was awaited");
            if (message.GetProperty("type").GetString() == type)
            {
                return message;
            }
        }
    }

    /// <summary>Reads (and drops) messages until the server's close frame; returns its status and reason.</summary>
    public async Task<(WebSocketCloseStatus? Status, string? Reason)> ReceiveCloseAsync()
    {
        var token = TestDefaults.TimeoutToken();
        while (await ReceiveAsync(token) is not null)
        {
        }
        if (Socket.State == WebSocketState.CloseReceived)
        {
            // Answer the close as a well-behaved client does, so the server can let the connection go at once.
            try
            {
                await Socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", token);
            }
            catch (WebSocketException)
            {
                // The server did not wait for the answer.
            }
        }
        return (Socket.CloseStatus, Socket.CloseStatusDescription);
    }

    /// <summary>Sends a ping and waits for its pong: every message sent before it has been handled.</summary>
    public async Task<List<JsonElement>> RoundTripAsync()
    {
        var id = Guid.NewGuid().ToString("N");
        await SendAsync($$$"""{"op":"ping","id":"{{{id}}}"}""");
        var before = new List<JsonElement>();
        while (true)
        {
            var message = await ReceiveAsync() ?? throw new InvalidOperationException($"the server closed the stream ({Socket.CloseStatus} '{Socket.CloseStatusDescription}') before answering a ping");
            if (message.GetProperty("type").GetString() == "pong" && message.TryGetProperty("id", out var echoed) && echoed.GetString() == id)
            {
                return before;
            }
            before.Add(message);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Socket.State == WebSocketState.Open)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await Socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", timeout.Token);
            }
            catch (Exception exception) when (exception is WebSocketException or OperationCanceledException)
            {
            }
        }
        Socket.Dispose();
        _invoker?.Dispose();
    }
}
