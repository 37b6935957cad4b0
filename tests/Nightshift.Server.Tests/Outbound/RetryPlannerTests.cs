using Nightshift.Server.Outbound;
using Nightshift.Storage.Outbound;

namespace Nightshift.Server.Tests.Outbound;

public sealed class RetryPlannerTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Took = TimeSpan.FromMilliseconds(250);

    private static SendResult Failed(TimeSpan? retryAfter = null) => new(SendStatus.Retryable, 503, "the receiver answered 503", "busy", retryAfter);

    [Fact]
    public void Plan_Delivered_IsDeliveredWithoutError()
    {
        var result = new RetryPlanner(OutboundOptions.DefaultRetrySchedule).Plan(new SendResult(SendStatus.Delivered, 200, null, "ok"), 3, Start, Took);

        result.Outcome.ShouldBe(AttemptOutcome.Delivered);
        result.StatusCode.ShouldBe(200);
        result.Error.ShouldBeNull();
        result.ResponseExcerpt.ShouldBe("ok");
        result.StartedAt.ShouldBe(Start);
        result.Duration.ShouldBe(Took);
    }

    [Fact]
    public void Plan_Gone_IsGone() =>
        new RetryPlanner(OutboundOptions.DefaultRetrySchedule).Plan(new SendResult(SendStatus.Gone, 410, "gone", null), 0, Start, Took).Outcome.ShouldBe(AttemptOutcome.Gone);

    [Fact]
    public void Plan_Refused_IsDeadAtOnceKeepingTheReason()
    {
        var result = new RetryPlanner(OutboundOptions.DefaultRetrySchedule).Plan(new SendResult(SendStatus.Refused, 400, "bad request", "nope"), 0, Start, Took);

        result.Outcome.ShouldBe(AttemptOutcome.Dead);
        result.Error.ShouldBe("bad request");
        result.ResponseExcerpt.ShouldBe("nope");
    }

    [Theory]
    [InlineData(0, 5)]
    [InlineData(1, 300)]
    [InlineData(2, 1800)]
    [InlineData(3, 7200)]
    [InlineData(4, 18000)]
    [InlineData(5, 36000)]
    [InlineData(6, 36000)]
    public void Plan_RetryableWithoutJitter_WaitsTheScheduleEntryAfterTheTry(int attemptsBefore, int seconds)
    {
        var result = new RetryPlanner(OutboundOptions.DefaultRetrySchedule, () => 0.5).Plan(Failed(), attemptsBefore, Start, Took);

        result.Outcome.ShouldBe(AttemptOutcome.Retry);
        result.RetryAt.ShouldBe(Start + Took + TimeSpan.FromSeconds(seconds));
    }

    [Fact]
    public void Plan_RetryableOnTheLastTry_IsDeadSayingItGaveUp()
    {
        var result = new RetryPlanner(OutboundOptions.DefaultRetrySchedule).Plan(Failed(), 7, Start, Took);

        result.Outcome.ShouldBe(AttemptOutcome.Dead);
        result.Error!.ShouldContain("gave up after 8 tries");
        result.StatusCode.ShouldBe(503);
        result.ResponseExcerpt.ShouldBe("busy");
    }

    [Fact]
    public void Plan_Jitter_StaysWithinTwentyPercent()
    {
        var low = new RetryPlanner(OutboundOptions.DefaultRetrySchedule, () => 0).Plan(Failed(), 1, Start, TimeSpan.Zero);
        var high = new RetryPlanner(OutboundOptions.DefaultRetrySchedule, () => 0.999999).Plan(Failed(), 1, Start, TimeSpan.Zero);

        low.RetryAt.ShouldBe(Start + TimeSpan.FromSeconds(240));
        (high.RetryAt!.Value - Start).TotalSeconds.ShouldBeInRange(359.9, 360);
    }

    [Fact]
    public void Plan_RandomJitter_SpreadsRetries()
    {
        var planner = new RetryPlanner(OutboundOptions.DefaultRetrySchedule);
        var times = Enumerable.Range(0, 50).Select(_ => planner.Plan(Failed(), 2, Start, TimeSpan.Zero).RetryAt!.Value).ToList();

        times.Distinct().Count().ShouldBeGreaterThan(1);
        times.ShouldAllBe(t => t >= Start + TimeSpan.FromMinutes(24) && t <= Start + TimeSpan.FromMinutes(36));
    }

    [Fact]
    public void Plan_RetryAfterLongerThanTheSchedule_WaitsForIt()
    {
        var result = new RetryPlanner(OutboundOptions.DefaultRetrySchedule, () => 0.5).Plan(Failed(TimeSpan.FromMinutes(3)), 0, Start, Took);

        result.RetryAt.ShouldBe(Start + Took + TimeSpan.FromMinutes(3));
    }

    [Fact]
    public void Plan_RetryAfterShorterThanTheSchedule_KeepsTheSchedule()
    {
        var result = new RetryPlanner(OutboundOptions.DefaultRetrySchedule, () => 0.5).Plan(Failed(TimeSpan.FromSeconds(1)), 1, Start, Took);

        result.RetryAt.ShouldBe(Start + Took + TimeSpan.FromMinutes(5));
    }

    [Fact]
    public void Plan_HugeRetryAfter_IsCappedAtADay()
    {
        var result = new RetryPlanner(OutboundOptions.DefaultRetrySchedule, () => 0.5).Plan(Failed(TimeSpan.FromDays(400)), 0, Start, Took);

        result.RetryAt.ShouldBe(Start + Took + TimeSpan.FromHours(24));
    }

    [Fact]
    public void Plan_OneEntrySchedule_IsDeadAfterTheFirstFailure() =>
        new RetryPlanner([TimeSpan.Zero]).Plan(Failed(), 0, Start, Took).Outcome.ShouldBe(AttemptOutcome.Dead);

    [Fact]
    public void MaxTries_IsTheScheduleLength() =>
        new RetryPlanner(OutboundOptions.DefaultRetrySchedule).MaxTries.ShouldBe(8);
}
