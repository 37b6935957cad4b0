using System.Diagnostics;
using System.Text;
using Nightshift.Server.Outbound;

namespace Nightshift.Bench.Outbound;

/// <summary>The baseline: signed POSTs straight to the receiver, no store, no queue, the same concurrency.</summary>
internal static class DirectBaseline
{
    public static async Task<Figures> RunAsync(Receiver receiver, string secret, int deliveries, int concurrency, int latencySamples)
    {
        using var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false });
        var next = -1;
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < deliveries)
            {
                await PostAsync(client, receiver, secret, $"direct-{i / 20}", i % 20 + 1);
            }
        });
        await Task.WhenAll(workers);
        var perSecond = deliveries / clock.Elapsed.TotalSeconds;

        var latencies = new List<double>();
        for (var i = 0; i < latencySamples; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await PostAsync(client, receiver, secret, "direct-latency", i + 1);
            latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
        return new Figures("direct signed POST (baseline)", perSecond, Figures.Percentile(latencies, 50), Figures.Percentile(latencies, 99));
    }

    private static async Task PostAsync(HttpClient client, Receiver receiver, string secret, string taskId, long seq)
    {
        var body = System.Text.Json.JsonSerializer.Serialize(new
        {
            type = "tool.call",
            timestamp = DateTimeOffset.UtcNow,
            data = new { task = new { id = taskId }, @event = new { seq, type = "tool.call", taskId, data = new { } } },
        });
        var id = "msg_" + Guid.NewGuid().ToString("N");
        var now = DateTimeOffset.UtcNow;
        using var request = new HttpRequestMessage(HttpMethod.Post, receiver.Url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("webhook-id", id);
        request.Headers.TryAddWithoutValidation("webhook-timestamp", now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation("webhook-signature", WebhookSigner.Sign([secret], id, now, body));
        using var response = await client.SendAsync(request);
        response.EnsureSuccessStatusCode();
    }
}
