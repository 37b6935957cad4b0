using Nightshift.Bench.Fleet.Contracts;

namespace Nightshift.Bench.Fleet.Workload;

/// <summary>
/// Submits the tasks through the API (closed loop: at most <c>maxInFlight</c> unfinished at once), approves plans of
/// Approval tasks, cancels Cancel tasks once they run, and polls until every task ended or the deadline passed.
/// <paramref name="api"/> has the server's base address and bearer token set.
/// </summary>
public sealed class FleetDriver(HttpClient api, TextWriter log)
{
    /// <summary>Runs the whole workload; returns every submitted task with what the harness did to it and its final status.</summary>
    public Task<IReadOnlyList<FleetTask>> RunAsync(IReadOnlyList<FleetTaskSpec> specs, int maxInFlight, DateTimeOffset deadline, CancellationToken cancellationToken)
        => throw new NotImplementedException($"{api}{log}");
}
