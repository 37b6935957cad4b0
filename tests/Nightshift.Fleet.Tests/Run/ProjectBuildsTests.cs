using Nightshift.Bench.Fleet.Contracts;

namespace Nightshift.Fleet.Tests.Run;

/// <summary>Placeholder until the run's tests land: the short run's defaults are the CI's.</summary>
public sealed class ProjectBuildsTests
{
    [Fact]
    public void Defaults_AreTheShortRun()
    {
        var options = new FleetOptions();
        options.Tasks.ShouldBeLessThanOrEqualTo(20);
        options.Faults.Count.ShouldBe(Enum.GetValues<FaultKind>().Length);
    }
}
