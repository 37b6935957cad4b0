using Nightshift.Server.Outbound;

namespace Nightshift.Server.Tests.Outbound;

public sealed class OutboundOptionsValidatorTests
{
    private static Microsoft.Extensions.Options.ValidateOptionsResult Validate(OutboundOptions options) => new OutboundOptionsValidator().Validate(null, options);

    [Fact]
    public void Validate_Defaults_Pass() => Validate(new OutboundOptions()).Succeeded.ShouldBeTrue();

    [Fact]
    public void Validate_GoodAllowListAndSchedule_Pass() =>
        Validate(new OutboundOptions { AllowedHosts = ["127.0.0.1", "10.0.0.0/8", "receiver.internal"], RetrySchedule = [TimeSpan.Zero, TimeSpan.FromSeconds(1)] }).Succeeded.ShouldBeTrue();

    [Theory]
    [InlineData("")]
    [InlineData("10.0.0.1/8")]
    [InlineData("http://example.com")]
    [InlineData("a b")]
    public void Validate_BadAllowListEntry_FailsNamingTheEntry(string entry)
    {
        var result = Validate(new OutboundOptions { AllowedHosts = ["127.0.0.1", entry] });

        result.Failed.ShouldBeTrue();
        result.FailureMessage!.ShouldContain("Outbound:AllowedHosts:1");
    }

    [Fact]
    public void Validate_TooManyAllowListEntries_Fails() =>
        Validate(new OutboundOptions { AllowedHosts = [.. Enumerable.Range(0, 101).Select(i => $"10.0.0.{i % 250}")] }).FailureMessage!.ShouldContain("Outbound:AllowedHosts");

    [Fact]
    public void Validate_NegativeOrHugeScheduleEntry_FailsNamingIt()
    {
        var result = Validate(new OutboundOptions { RetrySchedule = [TimeSpan.Zero, TimeSpan.FromSeconds(-1), TimeSpan.FromDays(30)] });

        result.FailureMessage!.ShouldContain("Outbound:RetrySchedule:1");
        result.FailureMessage!.ShouldContain("Outbound:RetrySchedule:2");
    }

    [Fact]
    public void Validate_TooLongSchedule_Fails() =>
        Validate(new OutboundOptions { RetrySchedule = [.. Enumerable.Repeat(TimeSpan.FromSeconds(1), 21)] }).FailureMessage!.ShouldContain("Outbound:RetrySchedule");

    [Fact]
    public void Validate_TimingsOutOfRange_FailNamingEach()
    {
        var result = Validate(new OutboundOptions { Timeout = TimeSpan.Zero, SweepInterval = TimeSpan.Zero, PollInterval = TimeSpan.FromDays(1), MaxConcurrency = 0 });

        result.FailureMessage!.ShouldContain("Outbound:Timeout");
        result.FailureMessage!.ShouldContain("Outbound:SweepInterval");
        result.FailureMessage!.ShouldContain("Outbound:PollInterval");
        result.FailureMessage!.ShouldContain("Outbound:MaxConcurrency");
    }

    [Fact]
    public void EffectiveRetrySchedule_NoneOrEmpty_IsTheDefault()
    {
        new OutboundOptions().EffectiveRetrySchedule.ShouldBe(OutboundOptions.DefaultRetrySchedule);
        new OutboundOptions { RetrySchedule = [] }.EffectiveRetrySchedule.ShouldBe(OutboundOptions.DefaultRetrySchedule);
        new OutboundOptions { RetrySchedule = [TimeSpan.FromSeconds(1)] }.EffectiveRetrySchedule.ShouldBe([TimeSpan.FromSeconds(1)]);
    }
}
