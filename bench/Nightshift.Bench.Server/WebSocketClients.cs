using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Nightshift.Bench.Server;

/// <summary>N clients of the WebSocket stream <c>GET /api/v1/stream</c>, each subscribed to one task by id.</summary>
internal static class WebSocketClients
{
    /// <summary>Connects <paramref name="clients"/> sockets (a few at a time) and waits until each has its subscription confirmed.</summary>
    public static async Task<ClientWebSocket[]> ConnectAsync(string url, string token, string taskId, int clients)
    {
        var sockets = new ClientWebSocket[clients];
        using var gate = new SemaphoreSlim(32);
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async i =>
        {
            await gate.WaitAsync();
            try
            {
                sockets[i] = await ConnectOneAsync(url, token, taskId);
            }
            finally
            {
                gate.Release();
            }
        }));
        return sockets;
    }

    /// <summary>Reads a socket's events until the task's final one, noting each <c>bench.tick</c>'s latency.</summary>
    public static async Task<List<double>> FollowAsync(ClientWebSocket socket)
    {
        var latencies = new List<double>();
        var buffer = new byte[16 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer.AsMemory(), CancellationToken.None);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                throw new InvalidOperationException($"the server closed the stream: {socket.CloseStatus} {socket.CloseStatusDescription}");
            }
            message.Write(buffer, 0, result.Count);
            if (!result.EndOfMessage)
            {
                continue;
            }
            using var json = JsonDocument.Parse(message.GetBuffer().AsMemory(0, (int)message.Length));
            message.SetLength(0);
            var root = json.RootElement;
            if (root.GetProperty("type").GetString() != "event")
            {
                continue;
            }
            var e = root.GetProperty("event");
            var type = e.GetProperty("type").GetString();
            if (type == "bench.tick")
            {
                latencies.Add(Stopwatch.GetElapsedTime(e.GetProperty("data").GetProperty("sentAt").GetInt64()).TotalMilliseconds);
            }
            else if (type is "task.succeeded" or "task.failed")
            {
                return latencies;
            }
        }
    }

    public static async Task CloseAllAsync(ClientWebSocket[] sockets)
    {
        await Task.WhenAll(sockets.Select(async socket =>
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", timeout.Token);
            }
            catch (Exception exception) when (exception is WebSocketException or OperationCanceledException)
            {
            }
            socket.Dispose();
        }));
    }

    private static async Task<ClientWebSocket> ConnectOneAsync(string url, string token, string taskId)
    {
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Authorization", "Bearer " + token);
        await socket.ConnectAsync(new Uri(url.Replace("http://", "ws://", StringComparison.Ordinal) + "/api/v1/stream"), CancellationToken.None);
        var subscribe = Encoding.UTF8.GetBytes($$$"""{"op":"subscribe","tasks":{"{{{taskId}}}":0}}""");
        await socket.SendAsync(subscribe, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
        var buffer = new byte[16 * 1024];
        var result = await socket.ReceiveAsync(buffer.AsMemory(), CancellationToken.None);
        using var answer = JsonDocument.Parse(buffer.AsMemory(0, result.Count));
        if (answer.RootElement.GetProperty("type").GetString() != "subscribed")
        {
            throw new InvalidOperationException("the stream did not confirm the subscription: " + Encoding.UTF8.GetString(buffer, 0, result.Count));
        }
        return socket;
    }
}
