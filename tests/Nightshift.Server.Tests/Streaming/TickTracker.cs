using System.Diagnostics;
using System.Text.Json;
using Nightshift.TestKit;

namespace Nightshift.Server.Tests.Streaming;

/// <summary>Notes, per numbered tick event, how long each client took to receive it after it was appended.</summary>
internal sealed class TickTracker
{
    private readonly int _clients;
    private readonly double[][] _latencies;
    private readonly int[] _counts;
    private readonly TaskCompletionSource[] _done;

    public TickTracker(int clients, int ticks)
    {
        _clients = clients;
        _latencies = [.. Enumerable.Range(0, ticks).Select(_ => new double[clients])];
        _counts = new int[ticks];
        _done = [.. Enumerable.Range(0, ticks).Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously))];
    }

    public static string Payload(int tick) => $$$"""{"n":{{{tick}}},"sentAt":{{{Stopwatch.GetTimestamp()}}}}""";

    /// <summary>Reads a client's messages until the connection ends, noting each tick.</summary>
    public async Task ReadAsync(StreamClient client, CancellationToken cancellationToken)
    {
        try
        {
            while (await client.ReceiveAsync(cancellationToken) is { } message)
            {
                if (message.GetProperty("type").GetString() != "event")
                {
                    continue;
                }
                var e = message.GetProperty("event");
                if (e.GetProperty("type").GetString() == "tool.call" && e.GetProperty("data").TryGetProperty("sentAt", out var sentAt))
                {
                    Record(e.GetProperty("data").GetProperty("n").GetInt32(), Stopwatch.GetElapsedTime(sentAt.GetInt64()).TotalMilliseconds);
                }
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or System.Net.WebSockets.WebSocketException or JsonException)
        {
        }
    }

    public Task ReceivedByAllAsync(int tick) => _done[tick].Task.WaitAsync(TestDefaults.Timeout);

    public int ReceivedBy(int tick) => Volatile.Read(ref _counts[tick]);

    /// <summary>The 99th percentile over every client of ticks <paramref name="from"/> to <paramref name="to"/> (exclusive).</summary>
    public double P99(int from, int to)
    {
        var all = _latencies[from..to].SelectMany(l => l).Order().ToList();
        return all[(int)Math.Ceiling(all.Count * 0.99) - 1];
    }

    private void Record(int tick, double milliseconds)
    {
        var slot = Interlocked.Increment(ref _counts[tick]) - 1;
        if (slot < _clients)
        {
            _latencies[tick][slot] = milliseconds;
        }
        if (slot == _clients - 1)
        {
            _done[tick].TrySetResult();
        }
    }
}
