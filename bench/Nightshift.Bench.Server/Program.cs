using Nightshift.Bench.Server;

// Nightshift.Bench.Server: SSE and WebSocket publish-to-client latency (p50/p99 at 1, 100 and 1,000 clients) against an in-process
// store follower as the baseline, and the resident memory of an idle server against an empty ASP.NET Core app.
// Child modes (started by this program itself): --idle-server DIR, --idle-baseline.
return args switch
{
    ["--idle-server", var data] => await IdleMemory.RunIdleServerAsync(data),
    ["--idle-baseline"] => await IdleMemory.RunIdleBaselineAsync(),
    _ => await RunAllAsync(args),
};

static async Task<int> RunAllAsync(string[] args)
{
    var clientCounts = args.Length > 0 ? args.Select(int.Parse).ToArray() : [1, 100, 1_000];
    Console.WriteLine("Nightshift.Bench.Server");
    Console.WriteLine($"machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}; clients and server share this process");
    Console.WriteLine();
    await LatencyBench.RunAsync(clientCounts);
    Console.WriteLine();
    await IdleMemory.RunAsync();
    return 0;
}
