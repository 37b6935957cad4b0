using System.Globalization;

namespace Nightshift.Bench.Storage;

internal sealed record DialectResult(
    string Name,
    bool IsPostgres,
    double SelectOneMs,
    double LatencyP50Ms,
    double LatencyP99Ms,
    IReadOnlyList<(int Workers, double PerSecond)> Throughput,
    IReadOnlyList<(int Workers, double PerSecond)> FastCommitThroughput)
{
    public double? FastCommitLatencyP99Ms { get; init; }

    public void PrintGoals()
    {
        var best = Throughput.MaxBy(t => t.PerSecond);
        var throughputMet = best.PerSecond >= 1_000;
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"  {Name,-28} claim+complete ≥ 1,000/s: {(throughputMet ? "MET" : "NOT MET")} ({best.PerSecond:N0}/s with {best.Workers} workers)"));
        if (FastCommitThroughput.Count > 0)
        {
            var fast = FastCommitThroughput.MaxBy(t => t.PerSecond);
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"  {Name,-28} (opt-in PostgresFastWorkerCommits: {fast.PerSecond:N0}/s with {fast.Workers} workers; not counted above)"));
        }
        if (IsPostgres)
        {
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"  {Name,-28} enqueue→claim p99 ≤ 10 ms: {(LatencyP99Ms <= 10 ? "MET" : "NOT MET")} (p99 {LatencyP99Ms:F2} ms)"));
            if (FastCommitLatencyP99Ms is { } fast)
            {
                Console.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"  {Name,-28} (opt-in PostgresFastWorkerCommits: enqueue→claim p99 {fast:F2} ms; not counted above)"));
            }
        }
    }
}
