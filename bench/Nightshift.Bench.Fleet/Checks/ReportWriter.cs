using Nightshift.Bench.Fleet.Contracts;

namespace Nightshift.Bench.Fleet.Checks;

/// <summary>Prints a run's report for people (text) and as Markdown (for the README's benchmarks section).</summary>
public static class ReportWriter
{
    public static void Print(FleetReport report, FleetObservations observations, IReadOnlyList<ScalePoint> scale, TextWriter writer) => throw new NotImplementedException();

    public static string Markdown(FleetReport report, FleetObservations observations, IReadOnlyList<ScalePoint> scale) => throw new NotImplementedException();
}
