using Nightshift.Core.Configuration;

namespace Nightshift.Core.Tests.Configuration;

public sealed class NightshiftPathsTests
{
    [Fact]
    public void ResolveDataDirectory_OptionWins_ThenVariable_ThenXdg()
    {
        var env = new Dictionary<string, string?> { ["NIGHTSHIFT_DATA"] = "/var/ns", ["XDG_DATA_HOME"] = "/home/u/.data" };

        NightshiftPaths.ResolveDataDirectory("/opt/ns", env.GetValueOrDefault).ShouldBe("/opt/ns");
        NightshiftPaths.ResolveDataDirectory(null, env.GetValueOrDefault).ShouldBe("/var/ns");
        env.Remove("NIGHTSHIFT_DATA");
        NightshiftPaths.ResolveDataDirectory(" ", env.GetValueOrDefault).ShouldBe("/home/u/.data/nightshift");
    }

    [Fact]
    public void ResolveDataDirectory_NothingSet_FallsBackToLocalShare()
    {
        var dir = NightshiftPaths.ResolveDataDirectory(null, _ => null);

        dir.ShouldEndWith("/.local/share/nightshift");
    }

    [Fact]
    public void ResolveDataDirectory_RelativePath_IsMadeAbsolute()
    {
        Path.IsPathRooted(NightshiftPaths.ResolveDataDirectory("data", _ => null)).ShouldBeTrue();
    }
}
