namespace Nightshift.Bench.Outbound;

/// <summary>Throughput and latency of one way of delivering.</summary>
internal sealed record Figures(string Name, double PerSecond, double P50Ms, double P99Ms)
{
    public static double Percentile(List<double> values, double percentile)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }
        values.Sort();
        var rank = (int)Math.Ceiling(percentile / 100 * values.Count) - 1;
        return values[Math.Clamp(rank, 0, values.Count - 1)];
    }
}
