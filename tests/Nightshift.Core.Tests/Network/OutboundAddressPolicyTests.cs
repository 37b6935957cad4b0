using System.Net;
using Nightshift.Core.Network;

namespace Nightshift.Core.Tests.Network;

public sealed class OutboundAddressPolicyTests
{
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("10.1.2.3")]
    [InlineData("169.254.169.254")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("fe80::1")]
    public void RefusalFor_ForbiddenAddressWithoutAllowList_SaysWhyAndHowToAllow(string address)
    {
        var refusal = OutboundAddressPolicy.PublicOnly.RefusalFor("hooks.example.com", IPAddress.Parse(address));

        refusal.ShouldNotBeNull();
        refusal.ShouldContain("hooks.example.com resolves to");
        refusal.ShouldContain(OutboundAddressPolicy.AllowListSetting);
    }

    [Fact]
    public void RefusalFor_PublicAddress_IsNull() =>
        OutboundAddressPolicy.PublicOnly.RefusalFor("hooks.example.com", IPAddress.Parse("8.8.8.8")).ShouldBeNull();

    [Fact]
    public void RefusalFor_AllowedByName_LetsEveryAddressOfThatNameThrough()
    {
        var policy = new OutboundAddressPolicy(["receiver.internal"]);

        policy.RefusalFor("receiver.internal", IPAddress.Parse("10.0.0.5")).ShouldBeNull();
        policy.RefusalFor("RECEIVER.internal.", IPAddress.Loopback).ShouldBeNull();
        policy.RefusalFor("other.internal", IPAddress.Parse("10.0.0.5")).ShouldNotBeNull();
    }

    [Fact]
    public void RefusalFor_AllowedByAddress_LetsOnlyThatAddressThrough()
    {
        var policy = new OutboundAddressPolicy(["127.0.0.1"]);

        policy.RefusalFor("127.0.0.1", IPAddress.Loopback).ShouldBeNull();
        policy.RefusalFor("anything.example", IPAddress.Parse("::ffff:127.0.0.1")).ShouldBeNull();
        policy.RefusalFor("127.0.0.2", IPAddress.Parse("127.0.0.2")).ShouldNotBeNull();
        policy.RefusalFor("::1", IPAddress.IPv6Loopback).ShouldNotBeNull();
    }

    [Fact]
    public void RefusalFor_AllowedByCidr_LetsTheRangeThrough()
    {
        var policy = new OutboundAddressPolicy(["10.20.0.0/16", "fd00::/8"]);

        policy.RefusalFor("a", IPAddress.Parse("10.20.99.1")).ShouldBeNull();
        policy.RefusalFor("a", IPAddress.Parse("fd00::7")).ShouldBeNull();
        policy.RefusalFor("a", IPAddress.Parse("10.21.0.1")).ShouldNotBeNull();
        policy.RefusalFor("a", IPAddress.Parse("169.254.169.254")).ShouldNotBeNull();
    }

    [Fact]
    public void RefusalFor_LiteralHost_NamesTheAddressOnce()
    {
        var refusal = OutboundAddressPolicy.PublicOnly.RefusalFor("127.0.0.1", IPAddress.Loopback);

        refusal.ShouldNotBeNull();
        refusal.ShouldStartWith("127.0.0.1 is a loopback address");
    }

    [Theory]
    [InlineData("http://127.0.0.1/")]
    [InlineData("http://127.0.0.1:8080/hook")]
    [InlineData("https://[::1]/")]
    [InlineData("https://[::ffff:127.0.0.1]/")]
    [InlineData("http://169.254.169.254/latest/meta-data")]
    [InlineData("http://10.0.0.1/")]
    [InlineData("http://2130706433/")]
    [InlineData("http://0x7f000001/")]
    [InlineData("http://localhost:9000/")]
    [InlineData("http://LOCALHOST./")]
    [InlineData("http://api.localhost/")]
    [InlineData("http://0.0.0.0/")]
    public void CheckUrl_ForbiddenLiteralOrLoopbackName_IsRefusedWithTheFix(string url)
    {
        var problem = OutboundAddressPolicy.PublicOnly.CheckUrl(url);

        problem.ShouldNotBeNull();
        problem.ShouldContain(OutboundAddressPolicy.AllowListSetting);
    }

    [Theory]
    [InlineData("https://hooks.example.com/nightshift")]
    [InlineData("http://8.8.8.8/")]
    [InlineData("https://[2606:4700:4700::1111]/")]
    public void CheckUrl_PublicOrUnresolvedName_Passes(string url) =>
        OutboundAddressPolicy.PublicOnly.CheckUrl(url).ShouldBeNull();

    [Fact]
    public void CheckUrl_AllowedLoopback_Passes()
    {
        var policy = new OutboundAddressPolicy(["127.0.0.1", "localhost"]);

        policy.CheckUrl("http://127.0.0.1:5000/").ShouldBeNull();
        policy.CheckUrl("http://localhost:5000/").ShouldBeNull();
        policy.CheckUrl("http://[::1]:5000/").ShouldNotBeNull();
    }

    [Theory]
    [InlineData("")]
    [InlineData("not a url")]
    [InlineData("ftp://example.com/")]
    [InlineData("file:///etc/passwd")]
    [InlineData("/relative/path")]
    public void CheckUrl_NotAnHttpUrl_IsRefused(string url) =>
        OutboundAddressPolicy.PublicOnly.CheckUrl(url).ShouldNotBeNull();

    [Theory]
    [InlineData("receiver.internal")]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    [InlineData("10.0.0.0/8")]
    [InlineData("fd00::/8")]
    [InlineData(" 192.168.0.0/16 ")]
    public void ProblemWith_GoodEntry_IsNull(string entry) =>
        OutboundAddressPolicy.ProblemWith(entry).ShouldBeNull();

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("10.0.0.1/8")]
    [InlineData("10.0.0.0/33")]
    [InlineData("10.0.0.0/x")]
    [InlineData("two words")]
    [InlineData("http://example.com/")]
    [InlineData("bad\nname")]
    [InlineData("under_score!.example")]
    public void ProblemWith_BadEntry_SaysWhatIsWrong(string? entry) =>
        OutboundAddressPolicy.ProblemWith(entry).ShouldNotBeNullOrWhiteSpace();

    [Fact]
    public void ProblemWith_OversizedEntry_IsRefused() =>
        OutboundAddressPolicy.ProblemWith(new string('a', 300) + ".example").ShouldNotBeNull();

    [Fact]
    public void Constructor_BadEntry_ThrowsNamingTheSetting()
    {
        var ex = Should.Throw<ArgumentException>(() => new OutboundAddressPolicy(["10.0.0.1/8"]));

        ex.Message.ShouldContain(OutboundAddressPolicy.AllowListSetting);
        ex.Message.ShouldContain("10.0.0.1/8");
    }
}
