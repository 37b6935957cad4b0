using Nightshift.Server.Streaming;

namespace Nightshift.Server.Tests.Streaming;

public sealed class StreamOptionsValidatorTests
{
    [Fact]
    public void Validate_Defaults_Pass()
    {
        new StreamOptionsValidator().Validate(null, new StreamOptions()).Succeeded.ShouldBeTrue();
    }

    [Theory]
    [InlineData("MaxConnections", "Stream:MaxConnections is 0")]
    [InlineData("MaxSubscriptions", "Stream:MaxSubscriptions is 0")]
    [InlineData("ClientBuffer", "Stream:ClientBuffer is 0")]
    [InlineData("MaxFrameBytes", "Stream:MaxFrameBytes is 0")]
    [InlineData("KeepAliveInterval", "Stream:KeepAliveInterval is")]
    [InlineData("CloseTimeout", "Stream:CloseTimeout is")]
    public void Validate_ZeroOrNegative_FailsNamingTheSettingAndWhereToSetIt(string property, string expected)
    {
        var options = new StreamOptions();
        var info = typeof(StreamOptions).GetProperty(property)!;
        info.SetValue(options, info.PropertyType == typeof(TimeSpan) ? TimeSpan.FromSeconds(-1) : 0);

        var result = new StreamOptionsValidator().Validate(null, options);

        result.Failed.ShouldBeTrue();
        result.FailureMessage.ShouldContain(expected);
        result.FailureMessage.ShouldContain("NIGHTSHIFT__Stream__" + property);
    }

    [Fact]
    public void Validate_Huge_Fails()
    {
        var options = new StreamOptions { MaxFrameBytes = int.MaxValue, ClientBuffer = int.MaxValue, MaxConnections = int.MaxValue };

        var result = new StreamOptionsValidator().Validate(null, options);

        result.Failures!.Count().ShouldBe(3);
    }
}
