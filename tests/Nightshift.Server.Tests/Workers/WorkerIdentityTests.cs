using Nightshift.Server.Workers;

namespace Nightshift.Server.Tests.Workers;

public sealed class WorkerIdentityTests
{
    [Fact]
    public void WorkerId_SameFolder_IsOwnedAcrossProcessesAndSlotsAndKeepsThePidSecondFromTheEnd()
    {
        var identity = WorkerIdentity.For("/var/lib/nightshift/worker-a");
        var again = WorkerIdentity.For("/var/lib/nightshift/worker-a/");
        var other = WorkerIdentity.For("/var/lib/nightshift/worker-b");

        var id = identity.WorkerId(3);

        id.Split(':')[^2].ShouldBe(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        id.Split(':')[^1].ShouldBe("3");
        again.Owns(id).ShouldBeTrue("a restarted worker on the same folder is the same worker");
        again.Owns($"{Environment.MachineName}@{identity.Token}:99999:0").ShouldBeTrue("an earlier process of it too");
        other.Owns(id).ShouldBeFalse();
        identity.Owns(other.WorkerId(3)).ShouldBeFalse();
        identity.Owns(null).ShouldBeFalse();
        identity.Owns("host:1:0").ShouldBeFalse("a lease owner without a token is nobody's here");
        id.Length.ShouldBeLessThanOrEqualTo(200);
    }
}
