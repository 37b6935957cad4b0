using Nightshift.Agent.Configuration;
using Nightshift.Sandbox;
using Nightshift.Sandbox.Network;

namespace Nightshift.Agent.Tests.Configuration;

public sealed class PhaseNetworkPolicyTests
{
    private static readonly NetworkCeilings AllowlistEverywhere = new()
    {
        Setup = NetworkPolicy.Allowlist,
        Agent = NetworkPolicy.Allowlist,
        Verify = NetworkPolicy.Allowlist,
        Allow = ["*.example.org", "GET,HEAD docs.example.net"],
        Presets = ["npm"],
    };

    [Fact]
    public void Resolve_UnstatedWithDefaultCeilings_SetupOnlyAndNothingCapped()
    {
        var policy = PhaseNetworkPolicy.Resolve(RepoNetwork.Unstated, new NetworkCeilings());

        Policies(policy).ShouldBe([NetworkPolicy.On, NetworkPolicy.Off, NetworkPolicy.Off]);
        policy.Capped.ShouldBeEmpty();
        policy.CappedPayload().ShouldBeNull();
    }

    [Fact]
    public void Resolve_RepositoryAsksForMoreThanTheCeiling_GetsTheCeilingAndTheCappedPhases()
    {
        var policy = PhaseNetworkPolicy.Resolve(RepoNetwork.On, new NetworkCeilings());

        Policies(policy).ShouldBe([NetworkPolicy.On, NetworkPolicy.Off, NetworkPolicy.Off]);
        policy.Capped.Select(c => c.Phase).ShouldBe([RepoNetworkPhase.Agent, RepoNetworkPhase.Verify]);
        var payload = policy.CappedPayload().ShouldNotBeNull();
        payload.Phases.ShouldBe(["agent", "verify"]);
        payload.Caps.ShouldNotBeNull().ShouldAllBe(c => c.Asked == "on" && c.Got == "off" && c.RefusedHosts == null);
        payload.Message.ShouldContain("agent asked for on and runs with off");
        payload.Message.ShouldContain("Sandbox:Network");
    }

    [Fact]
    public void Resolve_RepositoryNarrows_GetsLessThanTheCeilingWithoutCapping()
    {
        var ceilings = new NetworkCeilings { Setup = NetworkPolicy.On, Agent = NetworkPolicy.On, Verify = NetworkPolicy.On };

        var policy = PhaseNetworkPolicy.Resolve(RepoNetwork.Off, ceilings);

        Policies(policy).ShouldBe([NetworkPolicy.Off, NetworkPolicy.Off, NetworkPolicy.Off]);
        policy.Capped.ShouldBeEmpty();
    }

    [Fact]
    public void Resolve_OperatorTurnsSetupOff_UnstatedRepositoryGetsNoNetworkAndNoEvent()
    {
        var policy = PhaseNetworkPolicy.Resolve(RepoNetwork.Unstated, new NetworkCeilings { Setup = NetworkPolicy.Off });

        policy.Setup.Policy.ShouldBe(NetworkPolicy.Off);
        policy.Capped.ShouldBeEmpty();
    }

    [Fact]
    public void Resolve_OperatorAllowsAgentNetwork_RepositoryMapCanStillNarrowIt()
    {
        var ceilings = new NetworkCeilings { Agent = NetworkPolicy.On };

        var policy = PhaseNetworkPolicy.Resolve(new RepoNetwork(Setup: null, Agent: NetworkPolicy.Off, Verify: NetworkPolicy.On), ceilings);

        Policies(policy).ShouldBe([NetworkPolicy.On, NetworkPolicy.Off, NetworkPolicy.Off]);
        policy.Capped.Select(c => c.Phase).ShouldBe([RepoNetworkPhase.Verify]);
    }

    [Fact]
    public void Resolve_RepositoryAsksAllowlistUnderOn_ItsOwnListStands()
    {
        var asked = new RepoNetwork(NetworkPolicy.Allowlist, null, null) { Allow = [HostRule.Parse("registry.example.com")] };

        var policy = PhaseNetworkPolicy.Resolve(asked, new NetworkCeilings());

        policy.Setup.Policy.ShouldBe(NetworkPolicy.Allowlist);
        policy.Setup.Allow.ShouldBe([HostRule.Parse("registry.example.com")]);
        policy.Capped.ShouldBeEmpty();
        var egress = policy.Egress(RepoNetworkPhase.Setup, []).ShouldBeOfType<AllowlistPolicy>();
        egress.Phase.ShouldBe("setup");
        policy.Egress(RepoNetworkPhase.Agent, []).ShouldBeNull();
    }

    [Fact]
    public void Resolve_RepositoryAsksOnUnderAllowlist_GetsTheAllowlistAndTheEventSaysSo()
    {
        var policy = PhaseNetworkPolicy.Resolve(RepoNetwork.SetupOnly, AllowlistEverywhere);

        policy.Setup.Policy.ShouldBe(NetworkPolicy.Allowlist);
        policy.Setup.Allow.Select(r => r.ToString()).ShouldBe(["*.example.org", "GET,HEAD docs.example.net", "registry.npmjs.org"]);
        var cap = policy.Capped.ShouldHaveSingleItem();
        (cap.Phase, cap.Asked, cap.Got).ShouldBe((RepoNetworkPhase.Setup, NetworkPolicy.On, NetworkPolicy.Allowlist));
    }

    [Fact]
    public void Resolve_RepositoryListsHostsBeyondTheCeiling_KeepsOnlyCoveredOnesAndNamesTheRest()
    {
        var asked = new RepoNetwork(NetworkPolicy.Allowlist, NetworkPolicy.Off, NetworkPolicy.Off)
        {
            Allow = [.. new[] { "api.example.org", "GET docs.example.net", "POST docs.example.net", "evil.example.com", "*.example.org:8080" }.Select(HostRule.Parse)],
        };

        var policy = PhaseNetworkPolicy.Resolve(asked, AllowlistEverywhere);

        policy.Setup.Allow.Select(r => r.ToString()).ShouldBe(["api.example.org", "GET docs.example.net"]);
        var cap = policy.Capped.ShouldHaveSingleItem();
        cap.Refused.Select(r => r.ToString()).ShouldBe(["POST docs.example.net", "evil.example.com", "*.example.org:8080"]);
        var payload = policy.CappedPayload().ShouldNotBeNull();
        payload.Caps.ShouldNotBeNull().ShouldHaveSingleItem().RefusedHosts.ShouldBe(["POST docs.example.net", "evil.example.com", "*.example.org:8080"]);
        payload.Message.ShouldContain("setup may not reach POST docs.example.net, evil.example.com, *.example.org:8080");
    }

    [Fact]
    public void Resolve_OrganisationAndRepositoryLevels_NarrowTheInstallationInTurn()
    {
        var ceilings = new NetworkCeilings
        {
            Setup = NetworkPolicy.On,
            Agent = NetworkPolicy.On,
            Verify = NetworkPolicy.Off,
            Organisations = new()
            {
                ["acme"] = new NetworkLevel { Agent = NetworkPolicy.Allowlist, Setup = NetworkPolicy.Allowlist, Allow = ["*.acme.example", "docs.example.org"], Presets = ["pypi"] },
            },
            Repositories =
            [
                new RepositoryNetworkLevel { Repo = "https://git.example.org/acme/*", Agent = NetworkPolicy.Off },
                new RepositoryNetworkLevel { Repo = "https://git.example.org/acme/app.git", Allow = ["pkg.acme.example", "evil.example.com"], Verify = NetworkPolicy.On },
            ],
        };

        var app = ceilings.For("acme", "https://git.example.org/acme/app");
        var other = ceilings.For("acme", "https://git.example.org/acme/other");
        var elsewhere = ceilings.For("someone-else", "https://git.example.org/acme/app");

        (app.Setup.Policy, app.Agent.Policy, app.Verify.Policy).ShouldBe((NetworkPolicy.Allowlist, NetworkPolicy.Off, NetworkPolicy.Off));
        app.Setup.Allow.Select(r => r.ToString()).ShouldBe(["pkg.acme.example"]);
        (other.Setup.Policy, other.Agent.Policy).ShouldBe((NetworkPolicy.Allowlist, NetworkPolicy.Off));
        other.Setup.Allow.Select(r => r.ToString()).ShouldBe(["*.acme.example", "docs.example.org", "pypi.org", "files.pythonhosted.org"]);
        (elsewhere.Setup.Policy, elsewhere.Agent.Policy, elsewhere.Verify.Policy).ShouldBe((NetworkPolicy.On, NetworkPolicy.Off, NetworkPolicy.Off));
    }

    private static NetworkPolicy[] Policies(PhaseNetworkPolicy policy) => [policy.Setup.Policy, policy.Agent.Policy, policy.Verify.Policy];
}
