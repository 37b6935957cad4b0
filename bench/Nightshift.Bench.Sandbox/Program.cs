using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Nightshift.Sandbox;

// A jailed /bin/true against a plain process start of /bin/true, both measured in this run, interleaved.
// The default sandbox keeps a jail set up ahead of the next command (Sandbox:ReadyJails): an agent's commands come one
// after another in one worktree with a model turn between them, so each measured command follows a pause in which the
// next jail is set up (the pause is not measured; how long setting one up takes is printed on its own line). Beside it:
// the same commands back to back with no pause (the next jail is still being set up when the command comes), the jail
// set up on the command's path (Sandbox:ReadyJails=0, the path before), and that path without cgroups. The machine may
// be shared: the load average is printed with the figures.
const int Runs = 200;
const double GoalP95Ms = 25;

// `-- proxy [runs]`: the egress proxy's request latency instead (direct, blind tunnel, intercepted tunnel).
if (args is ["proxy", ..])
{
    await ProxyLatency.RunAsync(args.Length > 1 && int.TryParse(args[1], out var proxyRuns) && proxyRuns > 0 ? proxyRuns : Runs);
    return 0;
}

var runs = args.Length > 0 && int.TryParse(args[0], out var n) && n > 0 ? n : Runs;
var worktree = Directory.CreateTempSubdirectory("nightshift-bench-worktree-").FullName;
var otherWorktree = Directory.CreateTempSubdirectory("nightshift-bench-worktree-").FullName;
var state = Directory.CreateTempSubdirectory("nightshift-bench-state-").FullName;
var loadBefore = LoadAverage();
var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
try
{
    using var sandbox = Create(new SandboxOptions { StateDirectory = state });
    using var eager = Create(new SandboxOptions { StateDirectory = state });
    using var onPath = Create(new SandboxOptions { StateDirectory = state, ReadyJails = 0 });
    using var noCgroups = Create(new SandboxOptions { StateDirectory = state, ReadyJails = 0, UseCgroups = false });
    var spec = CommandSpec.Exec("/bin/true") with { WorktreePath = worktree };
    var otherSpec = spec with { WorktreePath = otherWorktree };

    async Task<double> JailedAsync(BubblewrapSandbox jail, CommandSpec command)
    {
        var clock = Stopwatch.StartNew();
        var result = await jail.RunAsync(command);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"jailed /bin/true exited {result.ExitCode}: {result.Stderr}");
        }
        return clock.Elapsed.TotalMilliseconds;
    }

    async Task<double> SettleAsync(BubblewrapSandbox jail)
    {
        var clock = Stopwatch.StartNew();
        await jail.ReadyJailsSettledAsync();
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
        await JailedAsync(sandbox, spec);
        await SettleAsync(sandbox);
        await JailedAsync(onPath, spec);
        await JailedAsync(noCgroups, spec);
        await PlainAsync();
    }
    var usedBefore = sandbox.ReadyJailsUsed;

    var ready = new List<double>(runs);
    var setUp = new List<double>(runs);
    var onPathTimes = new List<double>(runs);
    var bare = new List<double>(runs);
    var plain = new List<double>(runs);
    for (var i = 0; i < runs; i++)
    {
        // Interleaved, so all see the same machine load; the default sandbox's next jail is set up before anything
        // else is measured, so that work never lands inside another measurement.
        ready.Add(await JailedAsync(sandbox, spec));
        setUp.Add(await SettleAsync(sandbox));
        onPathTimes.Add(await JailedAsync(onPath, spec));
        bare.Add(await JailedAsync(noCgroups, spec));
        plain.Add(await PlainAsync());
    }
    var used = sandbox.ReadyJailsUsed - usedBefore;

    // Back to back, as a script of commands would run them: the jail for the next command is still being set up.
    var eagerTimes = new List<double>(runs);
    for (var i = 0; i < runs; i++)
    {
        eagerTimes.Add(await JailedAsync(eager, otherSpec));
    }

    var readyP50 = Percentile(ready, 0.50);
    var readyP95 = Percentile(ready, 0.95);
    var onPathP50 = Percentile(onPathTimes, 0.50);
    var onPathP95 = Percentile(onPathTimes, 0.95);
    var plainP50 = Percentile(plain, 0.50);
    var plainP95 = Percentile(plain, 0.95);
    Console.WriteLine($"runs: {runs} each, interleaved; {Environment.ProcessorCount} cores; load average before {loadBefore}, after {LoadAverage()}");
    Console.WriteLine($"cgroups: {sandbox.CgroupDescription}");
    Console.WriteLine($"plain  /bin/true                          p50 {plainP50,7:0.00} ms   p95 {plainP95,7:0.00} ms");
    Console.WriteLine($"jailed /bin/true (default, jail ready)    p50 {readyP50,7:0.00} ms   p95 {readyP95,7:0.00} ms   ({used} of {runs} in a jail set up ahead)");
    Console.WriteLine($"  setting up the next jail, off the path  p50 {Percentile(setUp, 0.50),7:0.00} ms   p95 {Percentile(setUp, 0.95),7:0.00} ms   (after the command returned)");
    Console.WriteLine($"jailed, back to back with no pause        p50 {Percentile(eagerTimes, 0.50),7:0.00} ms   p95 {Percentile(eagerTimes, 0.95),7:0.00} ms");
    Console.WriteLine($"jailed, jail set up on the command's path p50 {onPathP50,7:0.00} ms   p95 {onPathP95,7:0.00} ms   (ReadyJails = 0)");
    Console.WriteLine($"  the same without cgroups                p50 {Percentile(bare, 0.50),7:0.00} ms   p95 {Percentile(bare, 0.95),7:0.00} ms   (UseCgroups = false)");
    Console.WriteLine($"ratio jailed/plain                        p50 {readyP50 / plainP50,6:0.0}x   p95 {readyP95 / plainP95,6:0.0}x");
    Console.WriteLine($"ratio jail ready/set up on the path       p50 {readyP50 / onPathP50,6:0.00}x   p95 {readyP95 / onPathP95,6:0.00}x");
    Console.WriteLine($"benchmark process CPU: {(Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds:0.0} s");
    var met = readyP95 <= GoalP95Ms;
    Console.WriteLine($"goal p95 <= {GoalP95Ms} ms: {(met ? "met" : "NOT met")}");
    return met ? 0 : 2;
}
finally
{
    Directory.Delete(worktree, recursive: true);
    Directory.Delete(otherWorktree, recursive: true);
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
