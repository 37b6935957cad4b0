using Nightshift.Bench.Fleet.Contracts;

namespace Nightshift.Bench.Fleet.Checks;

/// <summary>Checks a finished run against the promises (see docs/fleet.md) and computes its figures.</summary>
public static class FleetChecker
{
    public static Task<FleetReport> CheckAsync(FleetObservations observations, CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <summary>Queue latency and throughput of the tasks claimed between two instants, read from the store (for the scaling series).</summary>
    public static Task<LatencyFigures> MeasureAsync(string connectionString, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) => throw new NotImplementedException();
}
