using Nightshift.Agent.Execution;

namespace Nightshift.Agent.Tests.Execution;

public sealed class DebugModeTrackerTests
{
    private static readonly ErrorSignature Same = new("aaaa", "tests: stuck");

    [Fact]
    public void Record_SameSignatureThreeTimes_TurnsOnAtTheThirdAndOnlyThen()
    {
        var tracker = new DebugModeTracker(3);

        tracker.Record(Same).ShouldBeFalse();
        tracker.Record(Same).ShouldBeFalse();
        tracker.Record(Same).ShouldBeTrue();
        tracker.Record(Same).ShouldBeFalse();
        tracker.Active.ShouldBeTrue();
        tracker.Count(Same).ShouldBe(4);
    }

    [Fact]
    public void Record_ThreeDifferentSignatures_StaysOff()
    {
        var tracker = new DebugModeTracker(3);

        tracker.Record(new ErrorSignature("a", "a")).ShouldBeFalse();
        tracker.Record(new ErrorSignature("b", "b")).ShouldBeFalse();
        tracker.Record(new ErrorSignature("c", "c")).ShouldBeFalse();

        tracker.Active.ShouldBeFalse();
    }

    [Fact]
    public void Record_SignatureComingBackAfterAnother_StillCounts()
    {
        var tracker = new DebugModeTracker(3, ["aaaa", "bbbb", "aaaa"]);

        tracker.Record(Same).ShouldBeTrue();
        tracker.History.ShouldBe(["aaaa", "bbbb", "aaaa", "aaaa"]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void Threshold_NotPositive_MeansTheFirstFailure(int threshold)
    {
        var tracker = new DebugModeTracker(threshold);

        tracker.Record(Same).ShouldBeTrue();
    }
}
