using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Nightshift.Core.Execution;
using Nightshift.Core.Tasks;
using Nightshift.Storage;
using Npgsql;

namespace Nightshift.Bench.Storage;

internal static class StorageBenchmark
{
    private const int LatencySamples = 300;
    private const int TasksPerThroughputRun = 1_000;
    private static readonly int[] WorkerCounts = [1, 4, 16];

    public static async Task<DialectResult> RunAsync(string name, string database, bool fullSync, ServerCpu? serverCpu = null)
    {
        var isPostgres = database.Contains("Host=", StringComparison.OrdinalIgnoreCase);
        var options = new StoreOptions { SqliteFullSync = fullSync, RetryJitter = 0 };
        var data = Path.GetDirectoryName(database) is { Length: > 0 } folder && !isPostgres ? folder : Path.GetTempPath();
        Console.WriteLine();
        Console.WriteLine(name);

        await using var store = await StoreFactory.OpenAsync(data, database, TimeProvider.System, options);
        var selectOne = await SelectOneAsync(database, isPostgres);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  SELECT 1 round trip (baseline)    p50 {selectOne:F3} ms  = {1_000 / selectOne:N0}/s on one connection"));

        // A claimer in a second store instance: on PostgreSQL it is woken by NOTIFY, as another process would be;
        // on SQLite the embedded set-up runs submitter and worker in one process, woken by the in-process signal.
        await using var claimerStore = isPostgres ? await StoreFactory.OpenAsync(data, database, TimeProvider.System, options) : null;
        var (p50, p99, breakdown) = await EnqueueToClaimAsync(store, claimerStore ?? store);
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"  enqueue→claim latency ({(isPostgres ? "NOTIFY" : "in-process signal")})   p50 {p50:F2} ms  p99 {p99:F2} ms  ({p50 / selectOne:F1}× / {p99 / selectOne:F1}× SELECT 1)"));
        Console.WriteLine(breakdown);

        // The baseline: the same database through a store forced onto the general write path, measured in this run.
        await using var general = await StoreFactory.OpenAsync(data, database, TimeProvider.System, new StoreOptions { SqliteFullSync = fullSync, RetryJitter = 0, GeneralPathOnly = true });
        double? fastP99 = null;
        if (isPostgres)
        {
            // The latency baseline: submit and claim on the general path (BEGIN … COMMIT; the claim waits for the flush).
            await using var flushingClaimer = await StoreFactory.OpenAsync(data, database, TimeProvider.System, new StoreOptions { RetryJitter = 0, GeneralPathOnly = true });
            var (flushP50, flushP99, flushBreakdown) = await EnqueueToClaimAsync(general, flushingClaimer);
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"  enqueue→claim latency (NOTIFY, general path for submit and claim; baseline)   p50 {flushP50:F2} ms  p99 {flushP99:F2} ms  (default/baseline p99 {p99 / flushP99:F2}×)"));
            Console.WriteLine(flushBreakdown);

            // Submits stay durable; only the claimer's commits skip the WAL flush wait (the opt-in setting).
            await using var fastClaimer = await StoreFactory.OpenAsync(data, database, TimeProvider.System, new StoreOptions { RetryJitter = 0, PostgresFastWorkerCommits = true });
            var (fastP50, p99Fast, fastBreakdown) = await EnqueueToClaimAsync(store, fastClaimer);
            fastP99 = p99Fast;
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"  enqueue→claim latency (NOTIFY, claimer with PostgresFastWorkerCommits)   p50 {fastP50:F2} ms  p99 {p99Fast:F2} ms"));
            Console.WriteLine(fastBreakdown);
            Console.WriteLine($"  server settings: {await ServerSettingsAsync(database)}");
        }

        await using var fastCommits = isPostgres
            ? await StoreFactory.OpenAsync(data, database, TimeProvider.System, new StoreOptions { RetryJitter = 0, PostgresFastWorkerCommits = true })
            : null;
        var throughput = new List<(int Workers, double PerSecond)>();
        var fastThroughput = new List<(int Workers, double PerSecond)>();
        foreach (var workers in WorkerCounts)
        {
            double? baseline = null;
            foreach (var path in Enum.GetValues<ClaimPath>())
            {
                var target = path switch
                {
                    ClaimPath.General => general,
                    ClaimPath.FinishAndClaimFastCommits => fastCommits,
                    _ => store,
                };
                if (target is null)
                {
                    continue;
                }
                var serverBefore = serverCpu?.Read();
                var (perSecond, cpuMs, claimMs, finishMs, tasks) = await ClaimCompleteAsync(target, workers, path);
                var serverMs = serverCpu is null ? "" : string.Create(CultureInfo.InvariantCulture, $", server {(serverCpu.Read() - serverBefore!.Value).TotalMilliseconds / tasks:F2}");
                baseline ??= perSecond;
                var perTaskMs = workers * 1_000 / perSecond;
                if (path is ClaimPath.ClaimThenFinish or ClaimPath.FinishAndClaim)
                {
                    throughput.Add((workers, perSecond));
                }
                else if (path == ClaimPath.FinishAndClaimFastCommits)
                {
                    fastThroughput.Add((workers, perSecond));
                }
                var split = path is ClaimPath.FinishAndClaim or ClaimPath.FinishAndClaimFastCommits ? $"finish+claim p50 {finishMs:F2} ms" : $"claim p50 {claimMs:F2} ms, finish p50 {finishMs:F2} ms";
                Console.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"  claim+complete, {workers,2} workers, {Describe(path),-26} {perSecond,8:N0}/s  ×{perSecond / baseline.Value:F2} baseline  ({perTaskMs:F2} ms per task per worker = {perTaskMs / selectOne:F0}× SELECT 1; {split}; CPU per task: client {cpuMs:F2}{serverMs} ms)"));
            }
        }
        return new DialectResult(name, isPostgres, selectOne, p50, p99, throughput, fastThroughput) { FastCommitLatencyP99Ms = fastP99 };
    }

    private static string Describe(ClaimPath path) => path switch
    {
        ClaimPath.General => "general path (baseline)",
        ClaimPath.ClaimThenFinish => "TryClaim + Finish",
        ClaimPath.FinishAndClaim => "FinishAndClaim",
        _ => "FinishAndClaim, fast commits",
    };

    private static async Task<string> ServerSettingsAsync(string database)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        var parts = new List<string>();
        foreach (var setting in (string[])["fsync", "synchronous_commit", "wal_sync_method", "commit_delay", "shared_buffers"])
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SHOW {setting}";
            parts.Add($"{setting}={await command.ExecuteScalarAsync()}");
        }
        return string.Join(", ", parts);
    }

    private static async Task<double> SelectOneAsync(string database, bool isPostgres)
    {
        await using System.Data.Common.DbConnection connection = isPostgres
            ? new NpgsqlConnection(database)
            : new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database }.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT 1";
        var samples = new List<double>();
        for (var i = 0; i < 3_000; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await command.ExecuteScalarAsync();
            samples.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
        return Percentile(samples.Skip(500).ToList(), 0.5);
    }

    private static async Task<(double P50, double P99, string Breakdown)> EnqueueToClaimAsync(INightshiftStore submitter, INightshiftStore claimer)
    {
        using var stop = new CancellationTokenSource();
        var claimed = System.Threading.Channels.Channel.CreateUnbounded<(long ClaimStarted, long Claimed)>();
        var request = new ClaimRequest("bench:claimer", TimeSpan.FromSeconds(30));
        var worker = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var claimStarted = Stopwatch.GetTimestamp();
                if (await claimer.TryClaimAsync(request) is { } lease)
                {
                    claimed.Writer.TryWrite((claimStarted, Stopwatch.GetTimestamp()));
                    await claimer.FinishAsync(lease, TaskOutcome.Succeeded());
                    continue;
                }
                await claimer.WaitForWorkAsync(TimeSpan.FromSeconds(1), stop.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        });

        var samples = new List<double>();
        var submits = new List<double>();
        var wakes = new List<double>();
        var claims = new List<double>();
        for (var i = 0; i < LatencySamples + 20; i++)
        {
            // Let the claimer go back to waiting, so each sample measures a wake-up, not a busy loop.
            await Task.Delay(3);
            var start = Stopwatch.GetTimestamp();
            await submitter.SubmitAsync(new NewTask { Repo = "https://example.com/bench", Instruction = $"latency {i}" });
            var submitted = Stopwatch.GetTimestamp();
            var (claimStarted, at) = await claimed.Reader.ReadAsync();
            if (i >= 20)
            {
                samples.Add(Stopwatch.GetElapsedTime(start, at).TotalMilliseconds);
                submits.Add(Stopwatch.GetElapsedTime(start, submitted).TotalMilliseconds);
                // Submitted → the claimer starts its claim (the wake-up), then the claim itself.
                wakes.Add(Math.Max(0, Stopwatch.GetElapsedTime(submitted, claimStarted).TotalMilliseconds));
                claims.Add(Stopwatch.GetElapsedTime(claimStarted, at).TotalMilliseconds);
            }
        }
        await stop.CancelAsync();
        await worker;
        var breakdown = string.Create(
            CultureInfo.InvariantCulture,
            $"    of which: submit (durable commit) p50 {Percentile(submits, 0.5):F2} p99 {Percentile(submits, 0.99):F2} ms; wake-up p50 {Percentile(wakes, 0.5):F2} p99 {Percentile(wakes, 0.99):F2} ms; claim p50 {Percentile(claims, 0.5):F2} p99 {Percentile(claims, 0.99):F2} ms");
        return (Percentile(samples, 0.5), Percentile(samples, 0.99), breakdown);
    }

    private static async Task<(double PerSecond, double CpuMsPerTask, double ClaimP50Ms, double FinishP50Ms, int Tasks)> ClaimCompleteAsync(
        INightshiftStore store, int workers, ClaimPath path)
    {
        var fill = Enumerable.Range(0, 8).Select(f => Task.Run(async () =>
        {
            for (var i = f; i < TasksPerThroughputRun; i += 8)
            {
                await store.SubmitAsync(new NewTask { Repo = $"https://example.com/bench/{i % 10}", Instruction = $"throughput {i}" });
            }
        }));
        await Task.WhenAll(fill);

        var done = 0;
        var claims = new System.Collections.Concurrent.ConcurrentBag<double>();
        var finishes = new System.Collections.Concurrent.ConcurrentBag<double>();
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var start = Stopwatch.GetTimestamp();
        var runners = Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
        {
            var request = new ClaimRequest($"bench:{w}", TimeSpan.FromSeconds(30));
            var at = Stopwatch.GetTimestamp();
            var lease = await store.TryClaimAsync(request);
            claims.Add(Stopwatch.GetElapsedTime(at).TotalMilliseconds);
            while (lease is not null)
            {
                at = Stopwatch.GetTimestamp();
                if (path is ClaimPath.FinishAndClaim or ClaimPath.FinishAndClaimFastCommits)
                {
                    lease = (await ((IFinishAndClaim)store).FinishAndClaimAsync(lease, TaskOutcome.Succeeded(), request)).Next;
                    finishes.Add(Stopwatch.GetElapsedTime(at).TotalMilliseconds);
                }
                else
                {
                    await store.FinishAsync(lease, TaskOutcome.Succeeded());
                    finishes.Add(Stopwatch.GetElapsedTime(at).TotalMilliseconds);
                    at = Stopwatch.GetTimestamp();
                    lease = await store.TryClaimAsync(request);
                    claims.Add(Stopwatch.GetElapsedTime(at).TotalMilliseconds);
                }
                Interlocked.Increment(ref done);
            }
        }));
        await Task.WhenAll(runners);
        var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        return (done / seconds, cpu.TotalMilliseconds / done, Percentile([.. claims], 0.5), Percentile([.. finishes], 0.5), done);
    }

    private static double Percentile(List<double> samples, double p)
    {
        var sorted = samples.Order().ToList();
        var index = (int)Math.Ceiling(p * sorted.Count) - 1;
        return sorted[Math.Clamp(index, 0, sorted.Count - 1)];
    }
}
