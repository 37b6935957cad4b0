using Nightshift.Bench.Fleet.Contracts;
using Nightshift.Core.Events;

namespace Nightshift.Bench.Fleet.Checks;

/// <summary>The run's figures beyond the checks: recovery after a kill, memory per running task, counts per fault kind.</summary>
public static class Figures
{
    /// <summary>
    /// Kill recovery: for every task a SIGKILLed worker was running when it was killed, the seconds from the kill to the
    /// task's next <c>task.started</c> (on any worker, the replacement included); median and maximum over those tasks.
    /// A task that never started again is not counted (it is <c>ended</c>'s to report when it never ended).
    /// </summary>
    public static RecoveryFigures KillRecovery(IReadOnlyList<FaultRecord> faults, StoreSnapshot store, double leaseSeconds)
    {
        var seconds = new List<double>();
        foreach (var kill in faults.Where(f => f.Kind == FaultKind.WorkerKill))
        {
            var at = kill.StartedAt.ToUnixTimeMilliseconds();
            foreach (var taskId in kill.TaskIds.Distinct(StringComparer.Ordinal))
            {
                var next = store.EventsOf(taskId).FirstOrDefault(e => e.Type == EventTypes.TaskStarted && e.Time > at);
                if (next is not null)
                {
                    seconds.Add((next.Time - at) / 1000.0);
                }
            }
        }
        return new RecoveryFigures(seconds.Count, Percentiles.Median(seconds), seconds.Count == 0 ? null : seconds.Max(), leaseSeconds);
    }

    /// <summary>
    /// Memory per running task: for each sample with tasks running, (the workers' resident memory − the idle baseline) ÷
    /// running tasks, averaged over those samples. The idle baseline is per worker: the lowest memory per worker among
    /// samples with no task running (or, when every sample had tasks running, the lowest per worker of all samples),
    /// times the sample's worker count. Null without a sample with tasks running.
    /// </summary>
    public static double? MemoryPerRunningTask(IReadOnlyList<MemorySample> samples)
    {
        var busy = samples.Where(s => s.RunningTasks > 0 && s.Workers > 0).ToList();
        if (busy.Count == 0)
        {
            return null;
        }
        var idle = samples.Where(s => s.RunningTasks == 0 && s.Workers > 0).ToList();
        var basis = idle.Count > 0 ? idle : busy;
        var perWorker = basis.Min(s => (double)s.WorkersRssBytes / s.Workers);
        return busy.Average(s => (s.WorkersRssBytes - perWorker * s.Workers) / s.RunningTasks);
    }

    /// <summary>
    /// Per fault kind: injected faults, tasks hit (the union of the tasks running on the target when each began), and of
    /// those how many completed exactly once (no <c>ended</c>, <c>outcome</c>, <c>delivered</c> or <c>rebuilt</c>
    /// finding), were lost or duplicated. Kinds that were switched on but never injected are listed with zeros.
    /// </summary>
    public static IReadOnlyList<FaultFigures> PerFault(FleetOptions options, IReadOnlyList<FaultRecord> faults, IReadOnlyDictionary<string, Verdict> verdicts)
    {
        var kinds = options.Faults.Concat(faults.Select(f => f.Kind)).Distinct().Order();
        return kinds.Select(kind =>
        {
            var records = faults.Where(f => f.Kind == kind).ToList();
            var hit = records.SelectMany(f => f.TaskIds).ToHashSet(StringComparer.Ordinal);
            var of = hit.Select(id => verdicts.GetValueOrDefault(id, Verdict.Lost)).ToList();
            return new FaultFigures(kind, records.Count, hit.Count, of.Count(v => v == Verdict.ExactlyOnce), of.Count(v => v == Verdict.Lost), of.Count(v => v == Verdict.Duplicated));
        }).ToList();
    }

    /// <summary>Each task's verdict from the findings that name it: lost wins over duplicated, which wins over any other finding.</summary>
    public static IReadOnlyDictionary<string, Verdict> Verdicts(IReadOnlyList<FleetTask> tasks, IReadOnlyList<Finding> findings)
    {
        string[] counted = [CheckNames.Ended, CheckNames.Outcome, CheckNames.Delivered, CheckNames.Rebuilt];
        var verdicts = tasks.ToDictionary(t => t.Id, _ => Verdict.ExactlyOnce, StringComparer.Ordinal);
        foreach (var finding in findings.Where(f => counted.Contains(f.Check)))
        {
            foreach (var id in finding.TaskIds.Where(verdicts.ContainsKey))
            {
                var verdict = finding.Harm switch
                {
                    Harm.Lost => Verdict.Lost,
                    Harm.Duplicated => Verdict.Duplicated,
                    _ => Verdict.Wrong,
                };
                if (verdict < verdicts[id])
                {
                    verdicts[id] = verdict;
                }
            }
        }
        return verdicts;
    }
}

/// <summary>How a task came out of the run, worst first.</summary>
public enum Verdict
{
    Lost,
    Duplicated,
    Wrong,
    ExactlyOnce,
}
