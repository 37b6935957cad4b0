using System.Globalization;
using System.Text;
using Nightshift.Bench.Outbound;
using Nightshift.TestKit.Postgres;

// Outbound delivery: deliveries per second and event → webhook arrival latency through the real engine (store, fan-out,
// dispatcher, guarded client), beside signed POSTs sent straight to the same receiver in the same run.
const int Tasks = 100;
const int EventsPerTask = 18;
const int MaxInFlight = 16;
const int LatencySamples = 200;
var secret = "whsec_" + Convert.ToBase64String(Encoding.ASCII.GetBytes("bench-only-fake-signing-secret!!"));

var load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "unknown";
Console.WriteLine($"Nightshift outbound benchmark — {Environment.ProcessorCount} cores, load average {load}, {DateTime.UtcNow:yyyy-MM-dd HH:mm}Z");
Console.WriteLine($"{Tasks} tasks × {EventsPerTask + 2} events, endpoint maxInFlight {MaxInFlight}; latency over {LatencySamples} single events");

await using var receiver = await Receiver.StartAsync();
var baseline = await DirectBaseline.RunAsync(receiver, secret, Tasks * (EventsPerTask + 2), MaxInFlight, LatencySamples);
var results = new List<Figures>();
var data = Directory.CreateTempSubdirectory("nightshift-bench-outbound-").FullName;
try
{
    var sqlite = Path.Combine(data, "sqlite");
    Directory.CreateDirectory(sqlite);
    results.Add(await EngineRun.RunAsync("sqlite", sqlite, null, receiver, secret, Tasks, EventsPerTask, MaxInFlight, LatencySamples));
    if (args.Contains("--postgres"))
    {
        if (PostgresCluster.IsAvailable)
        {
            var cluster = new PostgresCluster();
            await cluster.InitializeAsync();
            try
            {
                var postgres = Path.Combine(data, "postgres");
                Directory.CreateDirectory(postgres);
                results.Add(await EngineRun.RunAsync("postgresql", postgres, await cluster.CreateDatabaseAsync(), receiver, secret, Tasks, EventsPerTask, MaxInFlight, LatencySamples));
            }
            finally
            {
                await cluster.DisposeAsync();
            }
        }
        else
        {
            Console.WriteLine($"postgresql skipped: {PostgresCluster.UnavailableReason}");
        }
    }
}
finally
{
    Directory.Delete(data, recursive: true);
}

Console.WriteLine();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{baseline.Name,-32} {baseline.PerSecond,8:N0}/s   p50 {baseline.P50Ms,7:F2} ms   p99 {baseline.P99Ms,7:F2} ms"));
foreach (var result in results)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{"engine, " + result.Name,-32} {result.PerSecond,8:N0}/s   p50 {result.P50Ms,7:F2} ms   p99 {result.P99Ms,7:F2} ms   ({result.PerSecond / baseline.PerSecond:P0} of the baseline's rate; event→arrival p99 {result.P99Ms / baseline.P99Ms:F1}× a direct POST)"));
}
return 0;
