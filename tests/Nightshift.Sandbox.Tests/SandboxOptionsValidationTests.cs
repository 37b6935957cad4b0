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
        { "Sandbox:MaxLimits:MemoryBytes is 2147483648, below Sandbox:DefaultLimits:MemoryBytes (4294967296); raise the maximum or lower the default", new SandboxOptions { MaxLimits = new SandboxMaxLimits { MemoryBytes = 2L << 30 } } },
        { "Sandbox:MaxLimits:Processes is 4; give a whole number from 8", new SandboxOptions { MaxLimits = new SandboxMaxLimits { Processes = 4 } } },
        { "Sandbox:MaxLimits:CpuSeconds is -1", new SandboxOptions { MaxLimits = new SandboxMaxLimits { CpuSeconds = -1 } } },
        { "Sandbox:MaxLimits:TmpfsBytes is 0", new SandboxOptions { MaxLimits = new SandboxMaxLimits { TmpfsBytes = 0 } } },
        { "Sandbox:MaxLimits:FileSizeBytes is 10", new SandboxOptions { MaxLimits = new SandboxMaxLimits { FileSizeBytes = 10 } } },
        { "Sandbox:MaxLimits:Timeout must be above zero and at most Sandbox:MaxTimeout", new SandboxOptions { MaxLimits = new SandboxMaxLimits { Timeout = TimeSpan.FromHours(7) } } },
        { "Sandbox:MaxLimits:Timeout must be above zero", new SandboxOptions { MaxLimits = new SandboxMaxLimits { Timeout = TimeSpan.Zero } } },
        { "Sandbox:MaxLimits:TaskTimeout must be from 00:00:01 to 7.00:00:00", new SandboxOptions { MaxLimits = new SandboxMaxLimits { TaskTimeout = TimeSpan.FromDays(30) } } },
        { "Sandbox:MaxLimits:TaskTimeout must be from 00:00:01", new SandboxOptions { MaxLimits = new SandboxMaxLimits { TaskTimeout = TimeSpan.FromSeconds(-5) } } },
        { "Sandbox:MaxLimits:TaskCpuSeconds is 0", new SandboxOptions { MaxLimits = new SandboxMaxLimits { TaskCpuSeconds = 0 } } },
        { "Sandbox:MaxLimits:TaskDiskBytes is 1000", new SandboxOptions { MaxLimits = new SandboxMaxLimits { TaskDiskBytes = 1000 } } },
        { "Sandbox:MaxLimits is empty", new SandboxOptions { MaxLimits = null! } },
        { "Sandbox:Network:Allow entry '*' has a '*'", new SandboxOptions { Network = new NetworkCeilings { Allow = ["registry.example.org", "*"] } } },
        { "Sandbox:Network:Allow entry '*.com' covers every name", new SandboxOptions { Network = new NetworkCeilings { Allow = ["*.com"] } } },
        { "Sandbox:Network:Allow entry 'a.example.org:99999' has the port", new SandboxOptions { Network = new NetworkCeilings { Allow = ["a.example.org:99999"] } } },
        { $"Sandbox:Network:Allow lists {NetworkCeilings.MaxRules + 1} rules; at most {NetworkCeilings.MaxRules}", new SandboxOptions { Network = new NetworkCeilings { Allow = [.. Enumerable.Range(0, NetworkCeilings.MaxRules + 1).Select(i => $"h{i}.example.org")] } } },
        { "Sandbox:Network:Presets entry 'maven' is not a preset; the presets are npm, pypi, nuget, go, crates", new SandboxOptions { Network = new NetworkCeilings { Presets = ["maven"] } } },
        { "Sandbox:Network:Setup is Allowlist, but Sandbox:Network:Allow and Sandbox:Network:Presets name no host", new SandboxOptions { Network = new NetworkCeilings { Setup = NetworkPolicy.Allowlist } } },
        { "Sandbox:Network:Organisations:acme:Verify is '9'; use Off, Allowlist or On", new SandboxOptions { Network = new NetworkCeilings { Organisations = new() { ["acme"] = new NetworkLevel { Verify = (NetworkPolicy)9 } } } } },
        { "Sandbox:Network:Organisations:acme:Allow entry '10.0.0.1' is an address", new SandboxOptions { Network = new NetworkCeilings { Organisations = new() { ["acme"] = new NetworkLevel { Allow = ["10.0.0.1"] } } } } },
        { "Sandbox:Network:Organisations:acme is empty", new SandboxOptions { Network = new NetworkCeilings { Organisations = new() { ["acme"] = null! } } } },
        { "Sandbox:Network:Repositories:0:Repo '' is empty", new SandboxOptions { Network = new NetworkCeilings { Repositories = [new RepositoryNetworkLevel { Setup = NetworkPolicy.Off }] } } },
        { "Sandbox:Network:Repositories:1:Repo 'https://git.example.org/*/app' has a '*' that is not a final '/*'", new SandboxOptions { Network = new NetworkCeilings { Repositories = [new RepositoryNetworkLevel { Repo = "https://git.example.org/a" }, new RepositoryNetworkLevel { Repo = "https://git.example.org/*/app" }] } } },
        { "Sandbox:Network:Repositories:0:Presets entry 'npm2' is not a preset", new SandboxOptions { Network = new NetworkCeilings { Repositories = [new RepositoryNetworkLevel { Repo = "https://git.example.org/a/*", Presets = ["npm2"] }] } } },
    };

    [Fact]
    public void Validate_EveryNetworkLevelWellFormed_Succeeds()
    {
        var options = new SandboxOptions
        {
            Network = new NetworkCeilings
            {
                Setup = NetworkPolicy.Allowlist,
                Agent = NetworkPolicy.Allowlist,
                Presets = ["npm", "pypi", "nuget", "go", "crates"],
                Allow = ["GET,HEAD docs.example.org", "*.example.net:8443", "bücher.example"],
                Organisations = new() { ["acme"] = new NetworkLevel { Agent = NetworkPolicy.Off, Allow = ["docs.example.org"] } },
                Repositories = [new RepositoryNetworkLevel { Repo = "https://git.example.org/acme/*", Setup = NetworkPolicy.Off }],
            },
        };

        new SandboxOptionsValidator().Validate(null, options).Succeeded.ShouldBeTrue();
    }

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
    public void Validate_MaxLimitsAtOrAboveTheDefaults_Succeed()
    {
        var options = new SandboxOptions
        {
            MaxLimits = new SandboxMaxLimits
            {
                CpuSeconds = 900, MemoryBytes = 16L << 30, FileSizeBytes = 8L << 30, Processes = 4096, TmpfsBytes = 4L << 30,
                Timeout = TimeSpan.FromHours(1), TaskTimeout = TimeSpan.FromHours(2), TaskCpuSeconds = 36_000, TaskDiskBytes = 50L << 30,
            },
        };

        new SandboxOptionsValidator().Validate(null, options).Succeeded.ShouldBeTrue();
    }

    [Fact]
    public void Validate_MaximumOfALimitWithNoDefault_Succeeds()
    {
        var options = new SandboxOptions { DefaultLimits = SandboxLimits.Default with { MemoryBytes = null }, MaxLimits = new SandboxMaxLimits { MemoryBytes = 1L << 30 } };

        new SandboxOptionsValidator().Validate(null, options).Succeeded.ShouldBeTrue();
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
