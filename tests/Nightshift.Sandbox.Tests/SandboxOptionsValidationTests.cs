using Nightshift.Sandbox.Internal;
using Nightshift.Sandbox.Network;

namespace Nightshift.Sandbox.Tests;

public sealed class SandboxOptionsValidationTests
{
    public static TheoryData<string, SandboxOptions> Invalid() => new()
    {
        { "Sandbox:Egress:AllowPrivate entry 'localhost'", new SandboxOptions { Egress = new EgressOptions { AllowPrivate = ["localhost"] } } },
        { "Sandbox:Egress:AllowPrivate entry '10.0.0.1/8'", new SandboxOptions { Egress = new EgressOptions { AllowPrivate = ["10.0.0.0/8", "10.0.0.1/8"] } } },
        { "Sandbox:Egress:AllowPrivate entry '127.0.0.1:99999'", new SandboxOptions { Egress = new EgressOptions { AllowPrivate = ["127.0.0.1:99999"] } } },
        { "Sandbox:Egress:MaxHeaderBytes", new SandboxOptions { Egress = new EgressOptions { MaxHeaderBytes = 10 } } },
        { "Sandbox:Egress:MaxHeaderBytes", new SandboxOptions { Egress = new EgressOptions { MaxHeaderBytes = int.MaxValue } } },
        { "Sandbox:Egress:MaxConnections", new SandboxOptions { Egress = new EgressOptions { MaxConnections = 0 } } },
        { "Sandbox:Egress:ConnectTimeout", new SandboxOptions { Egress = new EgressOptions { ConnectTimeout = TimeSpan.Zero } } },
        { "Sandbox:Egress:IdleTimeout", new SandboxOptions { Egress = new EgressOptions { IdleTimeout = TimeSpan.FromDays(2) } } },
        { "Sandbox:Egress:RequestTimeout", new SandboxOptions { Egress = new EgressOptions { RequestTimeout = TimeSpan.FromSeconds(-1) } } },
        { "Sandbox:Network:Agent", new SandboxOptions { Network = new NetworkCeilings { Agent = (NetworkPolicy)5 } } },
        { "Sandbox:RequireCgroupLimits is on while Sandbox:UseCgroups is off", new SandboxOptions { RequireCgroupLimits = true, UseCgroups = false } },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Validate_BadNetworkOrLimitSetting_FailsNamingTheSetting(string expected, SandboxOptions options)
    {
        var result = new SandboxOptionsValidator().Validate(null, options);

        result.Failed.ShouldBeTrue();
        result.FailureMessage.ShouldContain(expected);
    }

    [Fact]
    public void Validate_Defaults_Succeed()
    {
        new SandboxOptionsValidator().Validate(null, new SandboxOptions()).Succeeded.ShouldBeTrue();
    }

    [Fact]
    public void Validate_AllowPrivateEntriesOfEveryForm_Succeed()
    {
        var options = new SandboxOptions { Egress = new EgressOptions { AllowPrivate = ["10.0.0.0/8", "127.0.0.1:8080", "[::1]:443", "fd00::/8", "192.168.1.10"] } };

        new SandboxOptionsValidator().Validate(null, options).Succeeded.ShouldBeTrue();
    }

    [Fact]
    public void NetworkCeilings_Defaults_SetupOnlyPhaseWithNetwork()
    {
        var ceilings = new SandboxOptions().Network;

        ceilings.Setup.ShouldBe(NetworkPolicy.On);
        ceilings.Agent.ShouldBe(NetworkPolicy.Off);
        ceilings.Verify.ShouldBe(NetworkPolicy.Off);
    }

    [Theory]
    [InlineData("HTTP_PROXY")]
    [InlineData("https_proxy")]
    [InlineData("ALL_PROXY")]
    [InlineData("NO_PROXY")]
    [InlineData("no_proxy")]
    public void JailEnvironment_ProxyVariableEvenWhenEverythingIsAllowed_IsRefused(string name)
    {
        JailEnvironment.WhyRefused(name, ["*"]).ShouldBe("is set by the sandbox itself and cannot be replaced");
    }
}
