using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Nightshift.Sandbox;

// A jailed /bin/true against a plain process start of /bin/true, both measured in this run, interleaved. Beside them:
// the jail with every launcher started on the command's path (Sandbox:PrewarmLaunchers=false, the slower path kept
// for comparison) and the jail without cgroups. The machine may be shared: the load average is printed with the figures.
const int Runs = 200;
const double GoalP95Ms = 25;

var runs = args.Length > 0 && int.TryParse(args[0], out var n) && n > 0 ? n : Runs;
var worktree = Directory.CreateTempSubdirectory("nightshift-bench-worktree-").FullName;
var state = Directory.CreateTempSubdirectory("nightshift-bench-state-").FullName;
var loadBefore = LoadAverage();
var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
try
{
    using var sandbox = Create(new SandboxOptions { StateDirectory = state });
    using var cold = Create(new SandboxOptions { StateDirectory = state, PrewarmLaunchers = false });
    using var noCgroups = Create(new SandboxOptions { StateDirectory = state, UseCgroups = false });
    var spec = CommandSpec.Exec("/bin/true") with { WorktreePath = worktree };

    async Task<double> JailedAsync(BubblewrapSandbox jail)
    {
        var clock = Stopwatch.StartNew();
        var result = await jail.RunAsync(spec);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"jailed /bin/true exited {result.ExitCode}: {result.Stderr}");
        }
        return clock.Elapsed.TotalMilliseconds;
    }

    async Task<double> PlainAsync()
    {
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(new ProcessStartInfo("/bin/true") { RedirectStandardOutput = true, RedirectStandardError = true })!;
        await process.WaitForExitAsync();
        return clock.Elapsed.TotalMilliseconds;
    }

    for (var i = 0; i < 10; i++)
    {
        await JailedAsync(sandbox);
        await JailedAsync(cold);
        await JailedAsync(noCgroups);
        await PlainAsync();
    }

    var jailed = new List<double>(runs);
    var coldTimes = new List<double>(runs);
    var bare = new List<double>(runs);
    var plain = new List<double>(runs);
    for (var i = 0; i < runs; i++)
    {
        // Interleaved, so all see the same machine load. Commands follow each other at once, as an agent's do.
        jailed.Add(await JailedAsync(sandbox));
        coldTimes.Add(await JailedAsync(cold));
        bare.Add(await JailedAsync(noCgroups));
        plain.Add(await PlainAsync());
    }

    var jailedP50 = Percentile(jailed, 0.50);
    var jailedP95 = Percentile(jailed, 0.95);
    var coldP50 = Percentile(coldTimes, 0.50);
    var coldP95 = Percentile(coldTimes, 0.95);
    var plainP50 = Percentile(plain, 0.50);
    var plainP95 = Percentile(plain, 0.95);
    Console.WriteLine($"runs: {runs} each, interleaved; {Environment.ProcessorCount} cores; load average before {loadBefore}, after {LoadAverage()}");
    Console.WriteLine($"cgroups: {sandbox.CgroupDescription}");
    Console.WriteLine($"plain  /bin/true                       p50 {plainP50,7:0.00} ms   p95 {plainP95,7:0.00} ms");
    Console.WriteLine($"jailed /bin/true (default)             p50 {jailedP50,7:0.00} ms   p95 {jailedP95,7:0.00} ms");
    Console.WriteLine($"jailed, launcher started per command   p50 {coldP50,7:0.00} ms   p95 {coldP95,7:0.00} ms   (PrewarmLaunchers = false)");
    Console.WriteLine($"jailed, no cgroups                     p50 {Percentile(bare, 0.50),7:0.00} ms   p95 {Percentile(bare, 0.95),7:0.00} ms   (UseCgroups = false)");
    Console.WriteLine($"ratio jailed/plain                     p50 {jailedP50 / plainP50,6:0.0}x   p95 {jailedP95 / plainP95,6:0.0}x");
    Console.WriteLine($"ratio jailed/per-command launcher      p50 {jailedP50 / coldP50,6:0.00}x   p95 {jailedP95 / coldP95,6:0.00}x");
    Console.WriteLine($"benchmark process CPU: {(Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds:0.0} s");
    var met = jailedP95 <= GoalP95Ms;
    Console.WriteLine($"goal p95 <= {GoalP95Ms} ms: {(met ? "met" : "NOT met")}");
    return met ? 0 : 2;
}
finally
{
    Directory.Delete(worktree, recursive: true);
    Directory.Delete(state, recursive: true);
}

static BubblewrapSandbox Create(SandboxOptions options) =>
    new(Options.Create(options), NullLogger<BubblewrapSandbox>.Instance);

static string LoadAverage() =>
    File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

static double Percentile(List<double> samples, double p)
{
    var sorted = samples.Order().ToArray();
    var index = (int)Math.Ceiling(p * sorted.Length) - 1;
    return sorted[Math.Clamp(index, 0, sorted.Length - 1)];
}
