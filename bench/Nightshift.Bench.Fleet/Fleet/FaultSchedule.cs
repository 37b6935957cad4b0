using Nightshift.Bench.Fleet.Contracts;

namespace Nightshift.Bench.Fleet.Fleet;

/// <summary>One planned fault: wait this long after the previous one ended, then inject <paramref name="Kind"/> on worker number <paramref name="Worker"/> (1-based; ignored by fleet-wide kinds).</summary>
public sealed record PlannedFault(FaultKind Kind, TimeSpan Wait, int Worker);

/// <summary>
/// The seeded fault schedule: rounds in which every allowed kind comes once, in a shuffled order, so a short run still
/// sees each kind early; waits are uniform between half and one and a half times the mean interval; the target worker is
/// drawn uniformly. The same seed, kinds, interval and worker count give the same schedule.
/// </summary>
public static class FaultSchedule
{
    /// <summary>An endless schedule (take what the run has time for); empty when no kind is allowed.</summary>
    public static IEnumerable<PlannedFault> Create(int seed, IReadOnlyCollection<FaultKind> kinds, double meanIntervalSeconds, int workers)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(meanIntervalSeconds);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(workers);
        if (kinds.Count == 0)
        {
            yield break;
        }
        var random = new Random(seed);
        var ordered = kinds.Distinct().Order().ToArray();
        while (true)
        {
            var round = ordered.ToArray();
            random.Shuffle(round);
            foreach (var kind in round)
            {
                var wait = TimeSpan.FromSeconds(meanIntervalSeconds * (0.5 + random.NextDouble()));
                yield return new PlannedFault(kind, wait, random.Next(1, workers + 1));
            }
        }
    }

    /// <summary>Whether a fault hits one worker (the others hit the whole fleet: PostgreSQL or the model).</summary>
    public static bool TargetsWorker(FaultKind kind) => kind is FaultKind.WorkerKill or FaultKind.WorkerTerm or FaultKind.WorkerPause or FaultKind.DiskFill;
}
