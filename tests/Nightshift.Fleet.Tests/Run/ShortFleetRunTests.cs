using Nightshift.Bench.Fleet.Checks;
using Nightshift.Bench.Fleet.Contracts;
using Nightshift.Bench.Fleet.Fleet;
using Nightshift.TestKit.Postgres;

namespace Nightshift.Fleet.Tests.Run;

/// <summary>
/// The CI run of the fleet harness: a real PostgreSQL cluster, one API and two worker processes, the scripted model, real
/// git repositories; thirty tasks while every fault kind is injected (disk-fill only where tmpfs can be mounted). It must
/// lose no task, deliver each success once, keep whole event logs and no fenced write, inject each kind at least once,
/// and see every task end. The one slow test of this project.
/// </summary>
public sealed class ShortFleetRunTests
{
    [PostgresFact]
    public async Task ShortRun_UnderEveryFault_NothingLostOrDuplicatedOrFenced_EveryKindInjected_EveryTaskEnded()
    {
        var options = new FleetOptions
        {
            Seed = 25,
            // Enough work to outlast one fault of every kind (a pause alone lasts 2 × lease + 2 s); tasks take seconds each.
            Tasks = 30,
            Workers = 2,
            SlotsPerWorker = 2,
            LeaseSeconds = 4,
            Repositories = 2,
            FaultIntervalSeconds = 2,
            FaultDurationSeconds = 2,
            DeadlineMinutes = 6,
        };
        using var progress = new StringWriter();
        var result = await new FleetRun(options, TextWriter.Synchronized(progress)).RunAsync(CancellationToken.None);
        using var printed = new StringWriter();
        ReportWriter.Print(result.Report, result.Observations, result.Scale, printed);
        var context = $"{printed}\n--- progress\n{progress}";

        // The promises CI holds the engine to on every run: no task lost or left open, one branch and one pull request per
        // success (passing its tests), whole event logs, and nothing written by a worker after its lease was lost.
        // `outcome`, `rebuilt` and `leftovers` findings are printed by the harness (exit code 1) but not asserted here:
        // under this density of faults the engine still has open cases (a diff that fails after a resume on another
        // worker, a one-subtask change not yet committed when its worker dies) — see docs/fleet.md, "Known findings".
        string[] held = [CheckNames.Ended, CheckNames.Delivered, CheckNames.Events, CheckNames.Fenced];
        result.Report.Violations.Where(v => held.Contains(v.Check)).ShouldBeEmpty(context);
        result.Report.Overall.Lost.ShouldBe(0, context);
        var requested = result.Observations.Options.Faults;
        requested.Count.ShouldBeGreaterThanOrEqualTo(Enum.GetValues<FaultKind>().Length - 1, "only disk-fill may be left out (where tmpfs cannot be mounted)");
        foreach (var kind in requested)
        {
            result.Observations.Faults.ShouldContain(f => f.Kind == kind && f.EndedAt != null, $"a {kind} fault was injected and ended\n{context}");
        }
        result.Observations.Faults.ShouldNotContain(f => !requested.Contains(f.Kind));
        result.Observations.Tasks.Count.ShouldBe(options.Tasks);
        result.Observations.Tasks.ShouldAllBe(t => t.FinalStatus != null, context);
        var overall = result.Report.Overall;
        overall.Tasks.ShouldBe(options.Tasks);
        (overall.ExactlyOnce + overall.Lost + overall.Duplicated).ShouldBe(overall.Tasks, context);
        result.Report.FinalStatuses.Values.Sum().ShouldBe(options.Tasks);
        result.Observations.Workers.Count(w => w.Label == "w1" || w.Label == "w2").ShouldBeGreaterThan(2, "kill and term start replacements");
        result.Observations.Workers.ShouldAllBe(w => w.EndedBy != null, "every worker process ended");
        result.Observations.Memory.ShouldNotBeEmpty();
        result.Kept.ShouldBeFalse();
        Directory.Exists(result.Folder).ShouldBeFalse("the run's folder is deleted after a clean run");
    }
}
