using Nightshift.Server.ForgeStatus;

namespace Nightshift.Server.Tests.ForgeStatus;

public sealed class ForgeStatusOptionsValidatorTests
{
    [Fact]
    public void Validate_Defaults_Pass() =>
        new ForgeStatusOptionsValidator().Validate(null, new ForgeStatusOptions()).Succeeded.ShouldBeTrue();

    [Theory]
    [InlineData("https://nightshift.example.com")]
    [InlineData("http://127.0.0.1:7700/nightshift")]
    public void Validate_PublicUrl_Passes(string url) =>
        new ForgeStatusOptionsValidator().Validate(null, new ForgeStatusOptions { PublicUrl = url }).Succeeded.ShouldBeTrue();

    [Theory]
    [InlineData("javascript:alert(1)")]
    [InlineData("nightshift.example.com")]
    [InlineData("https://user:token@nightshift.example.com")]
    [InlineData("https://nightshift.example.com/?x=1")]
    [InlineData("https://nightshift.example.com/#top")]
    [InlineData("https://nightshift.example.com/\nX-Injected: 1")]
    [InlineData("   ")]
    public void Validate_BadPublicUrl_FailsNamingTheSetting(string url)
    {
        var result = new ForgeStatusOptionsValidator().Validate(null, new ForgeStatusOptions { PublicUrl = url });

        result.Failed.ShouldBeTrue();
        result.FailureMessage!.ShouldContain("Webhooks:Status:PublicUrl");
    }

    [Fact]
    public void Validate_OversizedPublicUrl_Fails() =>
        new ForgeStatusOptionsValidator().Validate(null, new ForgeStatusOptions { PublicUrl = "https://x.example/" + new string('a', 600) }).Failed.ShouldBeTrue();

    [Fact]
    public void Validate_PollIntervalAndMaxAttemptsOutOfRange_FailNamingEach()
    {
        var result = new ForgeStatusOptionsValidator().Validate(null, new ForgeStatusOptions { PollInterval = TimeSpan.Zero, MaxAttempts = 0 });

        result.FailureMessage!.ShouldContain("Webhooks:Status:PollInterval");
        result.FailureMessage!.ShouldContain("Webhooks:Status:MaxAttempts");
    }
}
