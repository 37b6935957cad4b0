using Nightshift.Bench.Fleet.Contracts;

namespace Nightshift.Bench.Fleet.Checks;

/// <summary>
/// Checks a finished run against the promises (see docs/fleet.md) and computes its figures. It reads the run's
/// database directly and the bare remotes with git; each check is its own class (<see cref="EndedCheck"/>,
/// <see cref="OutcomeCheck"/>, <see cref="DeliveredCheck"/>, <see cref="RebuiltCheck"/>, <see cref="EventsCheck"/>,
/// <see cref="FencedCheck"/>, <see cref="LeftoversCheck"/>), and every violation names the task ids involved.
/// </summary>
public static class FleetChecker
{
    public static async Task<FleetReport> CheckAsync(FleetObservations observations, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(observations);
        var store = await StoreSnapshot.ReadAsync(observations.ConnectionString, cancellationToken);
        var tasks = observations.Tasks;
        var scratch = Directory.CreateTempSubdirectory("nightshift-fleet-checks-").FullName;
        var findings = new List<Finding>();
        try
        {
            findings.AddRange(EndedCheck.Run(tasks, store));
            findings.AddRange(OutcomeCheck.Run(tasks, store));
            findings.AddRange(await new DeliveredCheck(observations.Repositories, scratch).RunAsync(tasks, store, cancellationToken));
            findings.AddRange(RebuiltCheck.Run(tasks, observations.ModelCalls, store));
            findings.AddRange(EventsCheck.Run(tasks, store));
            findings.AddRange(await new FencedCheck(observations.ModelCalls, observations.Workers, observations.Repositories).RunAsync(tasks, store, cancellationToken));
            findings.AddRange(LeftoversCheck.Run(observations.Leftovers, tasks, store));
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }

        var verdicts = Figures.Verdicts(tasks, findings);
        var claims = Claims.Of(store);
        var start = observations.StartedAt.ToUnixTimeMilliseconds();
        var faultsEnded = Math.Max(start, observations.FaultsEndedAt.ToUnixTimeMilliseconds());
        var finish = Math.Max(faultsEnded, observations.FinishedAt.ToUnixTimeMilliseconds()) + 1;
        var statuses = tasks
            .GroupBy(t => store.Tasks.TryGetValue(t.Id, out var stored) ? stored.Status : "missing", StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);

        return new FleetReport(
            findings.Select(f => f.ToViolation()).ToList(),
            Figures.PerFault(observations.Options, observations.Faults, verdicts),
            new OutcomeCounts(
                tasks.Count,
                verdicts.Values.Count(v => v == Verdict.ExactlyOnce),
                verdicts.Values.Count(v => v == Verdict.Lost),
                verdicts.Values.Count(v => v == Verdict.Duplicated)),
            Claims.Figures(claims, store, start, faultsEnded),
            Claims.Figures(claims, store, faultsEnded, finish),
            Figures.KillRecovery(observations.Faults, store, observations.Options.LeaseSeconds),
            Figures.MemoryPerRunningTask(observations.Memory),
            statuses);
    }

    /// <summary>Queue latency and throughput of the tasks claimed between two instants, read from the store (for the scaling series).</summary>
    public static async Task<LatencyFigures> MeasureAsync(string connectionString, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var store = await StoreSnapshot.ReadAsync(connectionString, cancellationToken);
        return Claims.Figures(Claims.Of(store), store, from.ToUnixTimeMilliseconds(), to.ToUnixTimeMilliseconds() + 1);
    }
}
