using Nightshift.Bench.Fleet.Contracts;
using Nightshift.Bench.Fleet.Fleet;

namespace Nightshift.Fleet.Tests.Run;

/// <summary>The seeded fault schedule: reproducible, only the allowed kinds, each kind early, waits around the mean.</summary>
public sealed class FaultScheduleTests
{
    private static readonly FaultKind[] Some = [FaultKind.WorkerKill, FaultKind.WorkerPause, FaultKind.PostgresFast, FaultKind.ModelHang];

    [Fact]
    public void Create_SameSeed_SameSchedule_OtherSeed_Another()
    {
        var first = FaultSchedule.Create(7, Some, 10, 4).Take(40).ToList();
        var again = FaultSchedule.Create(7, Some, 10, 4).Take(40).ToList();
        var other = FaultSchedule.Create(8, Some, 10, 4).Take(40).ToList();

        again.ShouldBe(first);
        other.ShouldNotBe(first);
    }

    [Fact]
    public void Create_OnlyAllowedKinds_EachOncePerRound_WaitsAroundTheMean_TargetsInTheFleet()
    {
        var schedule = FaultSchedule.Create(3, Some, 10, 3).Take(Some.Length * 25).ToList();

        schedule.Select(f => f.Kind).Distinct().Order().ShouldBe(Some.Order());
        foreach (var round in schedule.Chunk(Some.Length))
        {
            round.Select(f => f.Kind).Order().ShouldBe(Some.Order(), "every kind comes once per round, so a short run sees each");
        }
        schedule.ShouldAllBe(f => f.Wait >= TimeSpan.FromSeconds(5) && f.Wait < TimeSpan.FromSeconds(15));
        schedule.Select(f => f.Worker).Distinct().Order().ShouldBe([1, 2, 3]);
        schedule.Select(f => f.Kind).Take(8).Distinct().Count().ShouldBeGreaterThan(1);
        schedule.Chunk(Some.Length).Select(r => string.Join(',', r.Select(f => f.Kind))).Distinct().Count().ShouldBeGreaterThan(1, "rounds are shuffled");
    }

    [Fact]
    public void Create_NoKinds_NoFaults() =>
        FaultSchedule.Create(1, [], 5, 2).ShouldBeEmpty();

    [Fact]
    public void PauseLength_OutlastsTwoLeases() =>
        FaultInjector.PauseLength(new FleetOptions { LeaseSeconds = 4, FaultDurationSeconds = 3 }).ShouldBe(TimeSpan.FromSeconds(10));
}
