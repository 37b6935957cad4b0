// The setup cache: a second task on an unchanged lock file, from the executor's start (the claim) to the point the model
// would first be asked, with the cache and without it, beside setup's own time and a task whose repository has no setup.
// The setup installs a realistic tree offline: a sleep stands in for the network, then a script writes thousands of
// files (tens of MB) into node_modules and the npm cache folder. Then the ways a restore could copy that tree.
// Run: `dotnet run -c Release --project bench/Nightshift.Bench.SetupCache -- [RUNS] [SLEEP_SECONDS]` (default 3 and 5).
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Nightshift.Agent;
using Nightshift.Agent.Execution;
using Nightshift.Bench.SetupCache;
using Nightshift.Core.Execution;
using Nightshift.Core.Tasks;
using Nightshift.TestKit.Git;
using Nightshift.Workspaces.Files;

var runs = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 3;
var sleep = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5;
const int Packages = 300;
const int FilesPerPackage = 10;
const int FileBytes = 10_000;
const int CacheFiles = 200;
const int CacheFileBytes = 20_000;

using var repo = TempGitRepo.Create();
var installer = $$"""
    import { mkdirSync, writeFileSync } from 'node:fs';
    const body = (n, bytes) => Buffer.alloc(bytes, 'abcdefghijklmnopqrstuvwxyz0123456789'.charAt(n % 36));
    for (let p = 0; p < {{Packages}}; p++) {
      const dir = `node_modules/pkg-${p}/lib`;
      mkdirSync(dir, { recursive: true });
      writeFileSync(`node_modules/pkg-${p}/package.json`, JSON.stringify({ name: `pkg-${p}`, version: '1.0.0' }));
      for (let f = 0; f < {{FilesPerPackage - 1}}; f++) writeFileSync(`${dir}/f${f}.js`, body(p + f, {{FileBytes}}));
    }
    mkdirSync('/cache/npm/_cacache', { recursive: true });
    for (let c = 0; c < {{CacheFiles}}; c++) writeFileSync(`/cache/npm/_cacache/blob-${c}`, body(c, {{CacheFileBytes}}));
    console.log('installed');

    """;
repo.Commit("a project with dependencies",
    (".gitignore", "node_modules/\n"),
    ("package-lock.json", "{\"lockfileVersion\":3,\"packages\":{}}\n"),
    ("install.mjs", installer),
    ("index.js", "export const answer = 42;\n"));
var withSetup = $"setup: \"sleep {sleep} && node install.mjs\"\ntest: none\nnetwork: off\n";
var dependencyBytes = ((long)Packages * (FilesPerPackage - 1) * FileBytes) + ((long)CacheFiles * CacheFileBytes);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"setup cache: executor start → first model request, {runs} runs each, on {Environment.ProcessorCount} cores; setup = sleep {sleep} s (the network) + writing {Packages * FilesPerPackage + CacheFiles} files, {dependencyBytes / 1e6:0.0} MB"));

repo.Commit("no setup", (".nightshift.yml", "test: none\nnetwork: off\n"));
var bare = await MeasureAsync(repo, runs, cache: true, clearEachRun: false);
repo.Commit("setup that installs dependencies", (".nightshift.yml", withSetup));
var off = await MeasureAsync(repo, runs, cache: false, clearEachRun: false);
var miss = await MeasureAsync(repo, runs, cache: true, clearEachRun: true);
var hit = await MeasureAsync(repo, runs, cache: true, clearEachRun: false, prime: true);

var setupMs = Median(miss.Select(r => r.SetupMs ?? double.NaN));
Report("no setup at all (baseline)", bare);
Report("setup, cache off", off);
Report("setup, cache miss (runs setup, then stores)", miss);
Report("setup, cache hit (restores, no setup)", hit);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  setup's own time (setup.cache_miss setupMs): median {setupMs:0} ms"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  restore (setup.cache_hit restoreMs): median {Median(hit.Select(r => r.RestoreMs ?? double.NaN)):0} ms"));
var overhead = Median(hit.Select(r => r.FirstRequestMs)) - Median(bare.Select(r => r.FirstRequestMs));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"  cached path adds {overhead:0} ms over no setup = {overhead / setupMs * 100:0.0}% of setup's own time (goal ≤ 5%: {(overhead <= setupMs * 0.05 ? "met" : "NOT met")}); hit / cache off = {Median(hit.Select(r => r.FirstRequestMs)) / Median(off.Select(r => r.FirstRequestMs)):0.00}x; miss / cache off = {Median(miss.Select(r => r.FirstRequestMs)) / Median(off.Select(r => r.FirstRequestMs)):0.00}x"));

await CopyMethodsAsync(repo, installer);

static void Report(string name, IReadOnlyList<Measured> measured) =>
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"  {name,-48} median {Median(measured.Select(m => m.FirstRequestMs)),8:0} ms  (runs: {string.Join(", ", measured.Select(m => m.FirstRequestMs.ToString("0", CultureInfo.InvariantCulture)))})"));

static double Median(IEnumerable<double> values)
{
    var sorted = values.Order().ToList();
    return sorted.Count == 0 ? double.NaN : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
}

static async Task<List<Measured>> MeasureAsync(TempGitRepo repo, int runs, bool cache, bool clearEachRun, bool prime = false)
{
    var data = Directory.CreateTempSubdirectory("ns-bench-setup-cache-").FullName;
    try
    {
        long firstCall = 0;
        BenchRun? current = null;
        CancellationTokenSource? stop = null;
        var values = new Dictionary<string, string?>
        {
            ["Workspaces:DataDirectory"] = data,
            ["Repositories:AllowedRoots:0"] = repo.Root,
            ["Sandbox:SetupCache:Enabled"] = cache ? "true" : "false",
            ["Agent:Planning"] = "never",
        };
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(values).Build())
            .AddLogging(l => l.SetMinimumLevel(LogLevel.Error))
            .AddNightshiftAgent();
        services.AddSingleton<IAgentModels>(new FirstCallModels(() =>
        {
            if (Interlocked.CompareExchange(ref firstCall, Stopwatch.GetTimestamp(), 0) == 0)
            {
                current!.StopReason = StopReason.CancelRequested;
                stop!.Cancel();
            }
        }));
        await using var provider = services.BuildServiceProvider();
        var executor = provider.GetRequiredService<ITaskExecutor>();
        var results = new List<Measured>();
        for (var i = prime ? -1 : 0; i < runs; i++)
        {
            if (clearEachRun && Directory.Exists(Path.Combine(data, "setup-cache")))
            {
                Directory.Delete(Path.Combine(data, "setup-cache"), recursive: true);
            }
            current = new BenchRun(new TaskRecord
            {
                Id = TaskId.New(TimeProvider.System),
                Repo = repo.RemotePath,
                Instruction = "Make the answer configurable",
                Title = "Make the answer configurable",
                Status = TaskState.Running,
                CreatedAt = DateTimeOffset.UtcNow,
            });
            firstCall = 0;
            using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(10));
            stop = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token);
            var started = Stopwatch.GetTimestamp();
            var outcome = await executor.ExecuteAsync(current, stop.Token);
            if (Interlocked.Read(ref firstCall) == 0)
            {
                throw new InvalidOperationException($"the task ended before the model was asked: {outcome.Kind} {outcome.Reason}");
            }
            var measured = new Measured(
                Stopwatch.GetElapsedTime(started, Interlocked.Read(ref firstCall)).TotalMilliseconds,
                current.Find("setup.cache_miss")?.GetProperty("setupMs").GetDouble(),
                current.Find("setup.cache_hit")?.GetProperty("restoreMs").GetDouble());
            if (i >= 0)
            {
                results.Add(measured);
            }
            stop.Dispose();
        }
        return results;
    }
    finally
    {
        Directory.Delete(data, recursive: true);
    }
}

// How a restore could copy the tree: the kernel copy TreeCopy uses (copy_file_range, or a reflink where the file
// system has them), the same through a user-space stream, cp with reflinks asked for, and hard links (for reference:
// rejected, a task writing a linked file would change the entry).
static async Task CopyMethodsAsync(TempGitRepo repo, string installer)
{
    var root = Directory.CreateTempSubdirectory("ns-bench-copy-").FullName;
    try
    {
        var tree = Path.Combine(root, "tree");
        Directory.CreateDirectory(tree);
        await File.WriteAllTextAsync(Path.Combine(tree, "install.mjs"), installer.Replace("/cache/npm", "cache/npm", StringComparison.Ordinal));
        await RunAsync("node", tree, "install.mjs");
        File.Delete(Path.Combine(tree, "install.mjs"));
        string[] top = ["node_modules", "cache"];
        Console.WriteLine($"copying the installed tree ({Directory.EnumerateFiles(tree, "*", SearchOption.AllDirectories).Count()} files) into a fresh folder, median of 3:");
        async Task<string> TimeAsync(string name, Func<string, Task<bool>> copy)
        {
            var times = new List<double>();
            for (var i = 0; i < 3; i++)
            {
                var target = Path.Combine(root, $"{name}-{i}");
                var started = Stopwatch.GetTimestamp();
                if (!await copy(target))
                {
                    return "not supported on this file system";
                }
                times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                Directory.Delete(target, recursive: true);
            }
            return string.Create(CultureInfo.InvariantCulture, $"{Median(times):0} ms");
        }
        Console.WriteLine($"  TreeCopy, kernel copy (what a restore does)     {await TimeAsync("kernel", t => Task.FromResult(TreeCopy.Copy(tree, top, t, long.MaxValue, sourceIsOurs: true).Files > 0))}");
        Console.WriteLine($"  TreeCopy, user-space stream (what a store does) {await TimeAsync("stream", t => Task.FromResult(TreeCopy.Copy(tree, top, t, long.MaxValue, sourceIsOurs: false).Files > 0))}");
        Console.WriteLine($"  cp -a --reflink=always                          {await TimeAsync("reflink", async t => await RunAsync("cp", root, "-a", "--reflink=always", tree, t) == 0)}");
        Console.WriteLine($"  cp -a --reflink=auto                            {await TimeAsync("auto", async t => await RunAsync("cp", root, "-a", "--reflink=auto", tree, t) == 0)}");
        Console.WriteLine($"  cp -al (hard links; rejected: shares the entry) {await TimeAsync("hardlink", async t => await RunAsync("cp", root, "-al", tree, t) == 0)}");
        Console.WriteLine($"  bubblewrap {(await Output("bwrap", "--version")).Trim()}: overlay mounts (--overlay) need 0.9 or later");
    }
    finally
    {
        Directory.Delete(root, recursive: true);
    }
}

static async Task<int> RunAsync(string program, string folder, params string[] arguments)
{
    var start = new ProcessStartInfo(program) { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
    foreach (var argument in arguments)
    {
        start.ArgumentList.Add(argument);
    }
    using var process = Process.Start(start)!;
    await process.StandardOutput.ReadToEndAsync();
    await process.StandardError.ReadToEndAsync();
    await process.WaitForExitAsync();
    return process.ExitCode;
}

static async Task<string> Output(string program, params string[] arguments)
{
    var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
    foreach (var argument in arguments)
    {
        start.ArgumentList.Add(argument);
    }
    using var process = Process.Start(start)!;
    var text = await process.StandardOutput.ReadToEndAsync();
    await process.WaitForExitAsync();
    return text;
}

internal sealed record Measured(double FirstRequestMs, double? SetupMs, double? RestoreMs);
