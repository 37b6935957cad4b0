using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Nightshift.Core.Configuration;
using Nightshift.Core.Execution;
using Nightshift.Server.Hosting;
using Nightshift.Server.Metrics;
using Nightshift.Server.RateLimiting;
using Nightshift.Storage;

namespace Nightshift.Bench.Server;

/// <summary>
/// For each client count: one task whose executor emits timestamped events at a steady pace while N SSE clients follow it;
/// each client notes how long every event took from EmitAsync to its own read. The same again with N WebSocket clients
/// of <c>GET /api/v1/stream</c>, each subscribed to the task by id, in the same run.
/// </summary>
internal static class LatencyBench
{
    private const int EventsPerRun = 50;
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(20);

    public static async Task RunAsync(IReadOnlyList<int> clientCounts)
    {
        var data = Path.Combine(Path.GetTempPath(), "ns-bench-server-" + Guid.NewGuid().ToString("N")[..8]);
        var executor = new BenchExecutor(EventsPerRun, Interval);
        var app = NightshiftHost.BuildServer(
            new NightshiftServerOptions
            {
                DataDirectory = data,
                Urls = ["http://127.0.0.1:0"],
                RunWorker = true,
                WorkerSlots = 1,
                WriteConsoleMessages = false,
            },
            services =>
            {
                services.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
                services.AddSingleton<ITaskExecutor>(executor);
                services.Configure<RateLimitSettings>(r => r.Enabled = false);
            });
        await app.StartAsync();
        try
        {
            var url = app.Services.GetRequiredService<ServerInfoPublisher>().Url!;
            var token = File.ReadAllText(NightshiftPaths.TokenFile(data)).Trim();
            var metrics = app.Services.GetRequiredService<ServerMetrics>();
            var store = app.Services.GetRequiredService<INightshiftStore>();
            Console.WriteLine($"SSE and WebSocket publish-to-client latency: {EventsPerRun} events per run, one every {Interval.TotalMilliseconds} ms, store {store.Dialect}");
            Console.WriteLine($"{"clients",12} {"samples",8} {"p50 ms",8} {"p99 ms",8} {"max ms",8} {"p99/base",9}");

            var baseline = await RunBaselineAsync(url, token, store, executor);
            Print("baseline", baseline, baseline);
            foreach (var clients in clientCounts)
            {
                var count = clients.ToString(System.Globalization.CultureInfo.InvariantCulture);
                var sse = await RunSseAsync(url, token, metrics, executor, clients);
                Print("sse " + count, sse, baseline);
                var webSocket = await RunWebSocketAsync(url, token, executor, clients);
                Print("ws " + count, webSocket, baseline);
            }
            Console.WriteLine("baseline: one in-process IEventLog.FollowEventsAsync reader on the same store (no HTTP).");
            Console.WriteLine("sse N: N clients of GET /api/v1/tasks/{id}/events; ws N: N WebSocket clients of GET /api/v1/stream subscribed to the task.");
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
            Directory.Delete(data, recursive: true);
        }
    }

    private static void Print(string label, List<double> latencies, List<double> baseline)
    {
        latencies.Sort();
        baseline.Sort();
        var p99 = Percentiles.Of(latencies, 99);
        Console.WriteLine(
            $"{label,12} {latencies.Count,8} {Percentiles.Of(latencies, 50),8:0.00} {p99,8:0.00} {latencies[^1],8:0.00} {p99 / Percentiles.Of(baseline, 99),9:0.0}x");
    }

    private static async Task<string> SubmitAsync(HttpClient client)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/tasks", new { repo = "https://github.com/example/bench", instruction = "bench" });
        response.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("id").GetString()!;
    }

    private static async Task<List<double>> RunBaselineAsync(string url, string token, INightshiftStore store, BenchExecutor executor)
    {
        using var client = NewClient(url, token, 4);
        executor.Close();
        var id = await SubmitAsync(client);
        var latencies = new List<double>();
        var reader = Task.Run(async () =>
        {
            await foreach (var e in store.FollowEventsAsync(id, 0, untilFinished: true))
            {
                if (e.Type == "bench.tick")
                {
                    latencies.Add(Elapsed(SentAt(e.Data)));
                }
            }
        });
        executor.Open();
        await reader;
        return latencies;
    }

    private static async Task<List<double>> RunSseAsync(string url, string token, ServerMetrics metrics, BenchExecutor executor, int clients)
    {
        using var client = NewClient(url, token, clients + 10);
        executor.Close();
        var id = await SubmitAsync(client);
        var readers = Enumerable.Range(0, clients).Select(_ => Task.Run(() => FollowAsync(client, id))).ToList();
        var deadline = Stopwatch.StartNew();
        while (metrics.SseClients < clients)
        {
            if (deadline.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new TimeoutException($"only {metrics.SseClients} of {clients} clients connected");
            }
            await Task.Delay(10);
        }
        executor.Open();
        var all = await Task.WhenAll(readers);
        return [.. all.SelectMany(l => l)];
    }

    private static async Task<List<double>> RunWebSocketAsync(string url, string token, BenchExecutor executor, int clients)
    {
        using var client = NewClient(url, token, 4);
        executor.Close();
        var id = await SubmitAsync(client);
        var sockets = await WebSocketClients.ConnectAsync(url, token, id, clients);
        try
        {
            var readers = sockets.Select(s => Task.Run(() => WebSocketClients.FollowAsync(s))).ToList();
            executor.Open();
            var all = await Task.WhenAll(readers);
            return [.. all.SelectMany(l => l)];
        }
        finally
        {
            await WebSocketClients.CloseAllAsync(sockets);
        }
    }

    private static async Task<List<double>> FollowAsync(HttpClient client, string id)
    {
        var latencies = new List<double>(EventsPerRun);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/tasks/{id}/events");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        using var stream = await response.Content.ReadAsStreamAsync();
        using var reader = new StreamReader(stream);
        var isTick = false;
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                isTick = line.AsSpan(7).SequenceEqual("bench.tick");
            }
            else if (isTick && line.StartsWith("data: ", StringComparison.Ordinal))
            {
                using var json = JsonDocument.Parse(line.AsMemory(6));
                latencies.Add(Elapsed(json.RootElement.GetProperty("data").GetProperty("sentAt").GetInt64()));
            }
        }
        return latencies;
    }

    private static long SentAt(string data)
    {
        using var json = JsonDocument.Parse(data);
        return json.RootElement.GetProperty("sentAt").GetInt64();
    }

    private static double Elapsed(long sentAt) => Stopwatch.GetElapsedTime(sentAt).TotalMilliseconds;

    private static HttpClient NewClient(string url, string token, int connections)
    {
        var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = connections, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            BaseAddress = new Uri(url),
            Timeout = TimeSpan.FromMinutes(5),
        };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}
