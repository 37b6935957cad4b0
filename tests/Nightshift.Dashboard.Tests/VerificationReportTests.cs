using Nightshift.Core.Events;
using Nightshift.Core.Events.Payloads;
using Nightshift.Core.Serialization;
using Nightshift.Server.Dashboard;

namespace Nightshift.Dashboard.Tests;

/// <summary>The task page's Verification box, read from the verify.* events the executor writes.</summary>
public sealed class VerificationReportTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 4, 5, 6, 0, TimeSpan.Zero);

    private static TaskEvent Event(long sequence, double seconds, string type, string data) =>
        new("t1", sequence, Start.AddSeconds(seconds), type, data);

    private static TaskEvent Event<T>(long sequence, double seconds, string type, T payload) =>
        Event(sequence, seconds, type, NightshiftJson.Payload(payload));

    [Fact]
    public void Build_BaselineTwiceAfterApprovalThenTwoRounds_ShowsTheLatestBaselineOnceAndEachRoundsResult()
    {
        var report = VerificationReport.Build(
        [
            Event(1, 0, EventTypes.VerifyStarted, new VerifyStartedPayload(true, null, ["make test"])),
            Event(2, 4, EventTypes.VerifyBaseline, new VerifyBaselinePayload(false, ["old_a"])),
            Event(3, 10, EventTypes.VerifyStarted, new VerifyStartedPayload(true, null, ["make test"])),
            Event(4, 13, EventTypes.VerifyBaseline, new VerifyBaselinePayload(false, ["old_a", "old_b"])),
            Event(5, 20, EventTypes.VerifyStarted, new VerifyStartedPayload(false, 1, ["make test"])),
            Event(6, 25.5, EventTypes.VerifyFailed, new VerifyVerdictPayload(1, "1 failed", ["new_x"], ["old_a", "old_b"], [], false)),
            Event(7, 30, EventTypes.VerifyStarted, new VerifyStartedPayload(false, 2, ["make test"])),
            Event(8, 32, EventTypes.VerifyPassed, new VerifyVerdictPayload(2, "all passed", [], ["old_a"], [new OutOfScopeEntry("old_a", "flaky upstream")], false)),
        ], finished: true);

        var baseline = report.Baseline.ShouldNotBeNull();
        baseline.Runs.ShouldBe(2);
        baseline.Passed.ShouldBeFalse();
        baseline.FailingTests.ShouldBe(["old_a", "old_b"]);
        baseline.Commands.ShouldBe(["make test"]);
        baseline.Duration.ShouldBe(TimeSpan.FromSeconds(3));
        report.Rounds.Count.ShouldBe(2);
        report.Rounds[0].ShouldSatisfyAllConditions(
            r => r.Round.ShouldBe(1),
            r => r.Outcome.ShouldBe("failed"),
            r => r.Summary.ShouldBe("1 failed"),
            r => r.NewFailures.ShouldBe(["new_x"]),
            r => r.Duration.ShouldBe(TimeSpan.FromSeconds(5.5)),
            r => r.Commands.ShouldBe(["make test"]));
        report.Rounds[1].Outcome.ShouldBe("passed");
        report.Rounds[1].OutOfScope.ShouldBe([new KeyValuePair<string, string>("old_a", "flaky upstream")]);
    }

    [Theory]
    [InlineData(false, "running")]
    [InlineData(true, "did not finish")]
    public void Build_RoundWithoutVerdict_IsRunningOrDidNotFinish(bool finished, string outcome)
    {
        var report = VerificationReport.Build([Event(1, 0, EventTypes.VerifyStarted, new VerifyStartedPayload(false, 1, ["npm test"]))], finished);

        var round = report.Rounds.ShouldHaveSingleItem();
        round.Outcome.ShouldBe(outcome);
        round.Duration.ShouldBeNull();
    }

    [Fact]
    public void Build_RoundInterruptedByANewAttempt_KeepsItAsDidNotFinish()
    {
        var report = VerificationReport.Build(
        [
            Event(1, 0, EventTypes.VerifyStarted, new VerifyStartedPayload(false, 1, ["npm test"])),
            Event(2, 50, EventTypes.VerifyStarted, new VerifyStartedPayload(false, 1, ["npm test"])),
            Event(3, 52, EventTypes.VerifyPassed, new VerifyVerdictPayload(1, "ok", [], [], [], false)),
        ], finished: true);

        report.Rounds.Select(r => r.Outcome).ShouldBe(["did not finish", "passed"]);
        report.Rounds[1].Duration.ShouldBe(TimeSpan.FromSeconds(2));
    }

    [Fact]
    public void Build_NoTestCommand_ShowsASkippedRoundWithTheReason()
    {
        var report = VerificationReport.Build(
            [Event(1, 0, EventTypes.VerifyFailed, new VerifyVerdictPayload(0, "unverified: no test command was found", [], [], [], true))],
            finished: true);

        report.Baseline.ShouldBeNull();
        var round = report.Rounds.ShouldHaveSingleItem();
        round.Round.ShouldBe(0);
        round.Outcome.ShouldBe("skipped");
        round.Summary!.ShouldStartWith("unverified");
    }

    [Fact]
    public void Build_NoVerifyEvents_IsEmpty()
    {
        var report = VerificationReport.Build([Event(1, 0, EventTypes.TaskCheckpoint, """{"bytes":10}""")], finished: false);

        report.IsEmpty.ShouldBeTrue();
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("null")]
    [InlineData("{}")]
    [InlineData("""{"round":"two","summary":7,"newFailures":"x","preExistingFailures":[1,null,{}],"outOfScope":[{"test":3},"y"],"skipped":"yes"}""")]
    [InlineData("""{"round":-4,"newFailures":[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]}""")]
    public void Build_MalformedVerdict_StillGivesARoundWithoutInventedDetail(string data)
    {
        var report = VerificationReport.Build([Event(1, 0, EventTypes.VerifyFailed, data)], finished: true);

        var round = report.Rounds.ShouldHaveSingleItem();
        round.Outcome.ShouldBe("failed");
        round.Round.ShouldBe(0);
        round.Summary.ShouldBeNull();
        round.NewFailures.ShouldBeEmpty();
        round.PreExistingFailures.ShouldBeEmpty();
        round.OutOfScope.ShouldBeEmpty();
    }

    [Fact]
    public void Build_OversizedLists_AreCutToFiftyAndLongNamesShortened()
    {
        var many = Enumerable.Range(0, 500).Select(i => $"test_{i}").ToList();
        many[0] = new string('x', 10_000);
        var report = VerificationReport.Build(
            [Event(1, 0, EventTypes.VerifyBaseline, new VerifyBaselinePayload(false, many))],
            finished: true);

        var failing = report.Baseline.ShouldNotBeNull().FailingTests;
        failing.Count.ShouldBe(VerificationReport.MaxTests);
        failing[0].Length.ShouldBe(VerificationReport.MaxName);
        failing[0].ShouldEndWith("…");
        report.Baseline.Duration.ShouldBeNull();
    }
}
