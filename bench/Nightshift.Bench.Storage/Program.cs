using Nightshift.Bench.Storage;
using Nightshift.TestKit.Postgres;

// Figures for the durable queue on both dialects, each beside a bare SELECT 1 measured in the same run.
var results = new List<DialectResult>();
var data = Directory.CreateTempSubdirectory("nightshift-bench-").FullName;
try
{
    var load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "unknown";
    Console.WriteLine($"Nightshift storage benchmark — {Environment.ProcessorCount} cores, load average {load}, {DateTime.UtcNow:yyyy-MM-dd HH:mm}Z");
    Console.WriteLine("Durability: SQLite in WAL mode, synchronous=FULL (the default; syncs every commit) and NORMAL; PostgreSQL with fsync=on, synchronous_commit=on.");
    // --postgres measures PostgreSQL alone (the SQLite runs take most of the time).
    if (!args.Contains("--postgres"))
    {
        results.Add(await StorageBenchmark.RunAsync("sqlite (synchronous=FULL)", Path.Combine(data, "full.db"), fullSync: true));
        results.Add(await StorageBenchmark.RunAsync("sqlite (synchronous=NORMAL)", Path.Combine(data, "normal.db"), fullSync: false));
    }
    if (PostgresCluster.IsAvailable)
    {
        var cluster = new PostgresCluster();
        await cluster.InitializeAsync();
        try
        {
            results.Add(await StorageBenchmark.RunAsync("postgresql (fsync=on)", await cluster.CreateDatabaseAsync(), fullSync: true, ServerCpu.FromDataFolder(Path.Combine(cluster.Folder!, "data"))));
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
finally
{
    Directory.Delete(data, recursive: true);
}

Console.WriteLine();
Console.WriteLine("Goals");
foreach (var result in results)
{
    result.PrintGoals();
}
return 0;
