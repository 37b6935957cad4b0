using System.Text;
using Nightshift.Core.Forges;

namespace Nightshift.Core.Tests.Forges;

public sealed class PullRequestDiffTests
{
    [Fact]
    public void Cap_DiffWithinTheCap_IsUnchanged()
    {
        var diff = "diff --git a/x b/x\n+é\n";

        PullRequestDiff.Cap(diff, 1024, "nightshift/x").ShouldBeSameAs(diff);
        PullRequestDiff.IsCut(diff).ShouldBeFalse();
    }

    [Fact]
    public void Cap_OneLineLongerThanTheCap_IsCutMidLineAndStaysWithinIt()
    {
        var diff = "+" + new string('x', 10_000);

        var cut = PullRequestDiff.Cap(diff, 1024, "nightshift/x");

        Encoding.UTF8.GetByteCount(cut).ShouldBeLessThanOrEqualTo(1024);
        cut.ShouldStartWith("+xxx");
        PullRequestDiff.IsCut(cut).ShouldBeTrue();
        cut.Split('\n')[^2].ShouldStartWith(PullRequestDiff.CutMarker);
    }

    [Fact]
    public void Cap_ManyByteCharacters_NeverSplitsOne()
    {
        var diff = string.Concat(Enumerable.Repeat("+😀é€\n", 2_000));

        var cut = PullRequestDiff.Cap(diff, 2048, "nightshift/x");

        Encoding.UTF8.GetByteCount(cut).ShouldBeLessThanOrEqualTo(2048);
        cut.ShouldNotContain("\uFFFD");
        Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(cut)).ShouldBe(cut);
        cut[..cut.IndexOf(PullRequestDiff.CutMarker, StringComparison.Ordinal)].Split('\n', StringSplitOptions.RemoveEmptyEntries).ShouldAllBe(l => l == "+😀é€");
    }

    [Fact]
    public void Cap_HostileBranchName_CannotBreakTheMarkerLine()
    {
        var cut = PullRequestDiff.Cap(new string('x', 5_000), 1024, "evil\nbranch\r" + new string('b', 5_000));

        cut.Split('\n')[^2].ShouldStartWith(PullRequestDiff.CutMarker);
        cut.Split('\n')[^2].ShouldContain("evil branch");
        Encoding.UTF8.GetByteCount(cut).ShouldBeLessThanOrEqualTo(1024);
    }

    [Fact]
    public void Cap_CapBelow1024_IsRefused() =>
        Should.Throw<ArgumentOutOfRangeException>(() => PullRequestDiff.Cap("x", 100, "b"));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("\n")]
    [InlineData("# Nightshift cut this diff")]
    [InlineData("+# Nightshift cut this diff: looks like it\n")]
    public void IsCut_TextWithoutTheMarkerAsItsLastLine_IsFalse(string? diff) => PullRequestDiff.IsCut(diff).ShouldBeFalse();
}
