using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Nightshift.Core.Tasks;
using Nightshift.Server.Hosting;
using Nightshift.Storage;
using Nightshift.Storage.Outbound;

namespace Nightshift.Bench.Outbound;

/// <summary>The real server (outbound engine on, worker off) on one store, delivering task events to the receiver.</summary>
internal static class EngineRun
{
    public static async Task<Figures> RunAsync(string name, string dataDirectory, string? database, Receiver receiver, string secret, int tasks, int eventsPerTask, int maxInFlight, int latencySamples)
    {
        var settings = new
        {
            Outbound = new { AllowedHosts = new[] { "127.0.0.1" }, SweepInterval = "00:00:05", PollInterval = "00:00:02" },
            Webhooks = new { Status = new { Enabled = false } },
        };
        await File.WriteAllTextAsync(Path.Combine(dataDirectory, "appsettings.json"), JsonSerializer.Serialize(settings));
        var app = NightshiftHost.BuildServer(
            new NightshiftServerOptions
            {
                DataDirectory = dataDirectory,
                Database = database,
                Urls = ["http://127.0.0.1:0"],
                RunWorker = false,
                WriteConsoleMessages = false,
            },
            services => services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning)));
        await app.StartAsync();
        try
        {
            var store = app.Services.GetRequiredService<INightshiftStore>();
            var endpoint = await store.CreateEndpointAsync(new NewOutboundEndpoint(OutboundChannel.Webhook, receiver.Url.AbsoluteUri, [], "bench", [], [], secret, MaxInFlight: maxInFlight));

            // Throughput: many tasks' events, made into deliveries while the endpoint is disabled (they wait), then the
            // endpoint enabled; the rate is counted from the first arrival to the last, so it is the sending alone.
            await store.UpdateEndpointAsync(endpoint.Id, new OutboundEndpointPatch(Active: false));
            // The fan-out only runs while some endpoint is active: one that wants no event keeps it running.
            await store.CreateEndpointAsync(new NewOutboundEndpoint(OutboundChannel.Webhook, receiver.Url.AbsoluteUri, [], "keeps the fan-out on", ["bench.none"], [], secret));
            var before = receiver.Count;
            var clock = Stopwatch.StartNew();
            var leases = new List<Lease>();
            for (var i = 0; i < tasks; i++)
            {
                await store.SubmitAsync(new NewTask { Repo = "https://git.example.com/bench/app", Instruction = $"bench task {i}" });
                leases.Add(await store.TryClaimAsync(new ClaimRequest($"bench:{i}", TimeSpan.FromMinutes(10))) ?? throw new InvalidOperationException("claim failed"));
            }
            for (var e = 0; e < eventsPerTask; e++)
            {
                foreach (var lease in leases)
                {
                    await store.AppendEventAsync(lease, "tool.call", """{"tool":"read"}""");
                }
            }
            var appended = clock.Elapsed;
            var expected = tasks * (eventsPerTask + 2);
            while ((await store.CountDeliveriesAsync()).GetValueOrDefault(OutboundDeliveryState.Pending) < expected)
            {
                if (clock.Elapsed > TimeSpan.FromMinutes(5))
                {
                    throw new TimeoutException("the events were not all made into deliveries within 5 minutes");
                }
                await Task.Delay(10);
            }
            var fannedOut = clock.Elapsed;
            var taskIds = leases.Select(l => l.TaskId).ToHashSet(StringComparer.Ordinal);
            await store.UpdateEndpointAsync(endpoint.Id, new OutboundEndpointPatch(Active: true));
            await receiver.WaitForAsync(() => receiver.Count - before >= expected, TimeSpan.FromMinutes(10));
            var arrivals = receiver.Arrivals.Where(a => taskIds.Contains(a.Key[..a.Key.IndexOf('/', StringComparison.Ordinal)])).Select(a => a.Value).ToList();
            var sending = Stopwatch.GetElapsedTime(arrivals.Min(), arrivals.Max());
            var perSecond = (expected - 1) / sending.TotalSeconds;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {name}: {expected} events ({tasks} tasks × {eventsPerTask + 2}) written in {appended.TotalSeconds:F2} s ({expected / appended.TotalSeconds:N0}/s), all made into deliveries {(fannedOut - appended).TotalSeconds:F2} s later; sent in {sending.TotalSeconds:F2} s"));

            // Latency: one event at a time, from its append to its arrival at the receiver.
            await store.SubmitAsync(new NewTask { Repo = "https://git.example.com/bench/app", Instruction = "bench latency" });
            var latencyLease = await store.TryClaimAsync(new ClaimRequest("bench:latency", TimeSpan.FromMinutes(10))) ?? throw new InvalidOperationException("claim failed");
            var latencyTask = latencyLease.TaskId;
            await receiver.WaitForAsync(() => receiver.Arrivals.ContainsKey($"{latencyTask}/2"), TimeSpan.FromMinutes(1));
            var latencies = new List<double>();
            for (var i = 0; i < latencySamples; i++)
            {
                var start = Stopwatch.GetTimestamp();
                var seq = await store.AppendEventAsync(latencyLease, "tool.call", """{"tool":"read"}""");
                var key = $"{latencyTask}/{seq}";
                await receiver.WaitForAsync(() => receiver.Arrivals.ContainsKey(key), TimeSpan.FromMinutes(1));
                latencies.Add(Stopwatch.GetElapsedTime(start, receiver.Arrivals[key]).TotalMilliseconds);
            }
            return new Figures(name, perSecond, Figures.Percentile(latencies, 50), Figures.Percentile(latencies, 99));
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
