using Nightshift.Agent.Configuration;
using Nightshift.Sandbox;

namespace Nightshift.Agent.Tests.Configuration;

public sealed class PhaseNetworkPolicyTests
{
    [Fact]
    public void Resolve_UnstatedWithDefaultCeilings_SetupOnlyAndNothingCapped()
    {
        var policy = PhaseNetworkPolicy.Resolve(RepoNetwork.Unstated, new NetworkCeilings());

        policy.ShouldBe(new PhaseNetworkPolicy(NetworkPolicy.On, NetworkPolicy.Off, NetworkPolicy.Off, []), PolicyComparer.Instance);
    }

    [Fact]
    public void Resolve_RepositoryAsksForMoreThanTheCeiling_GetsTheCeilingAndTheCappedPhases()
    {
        var policy = PhaseNetworkPolicy.Resolve(RepoNetwork.On, new NetworkCeilings());

        policy.Setup.ShouldBe(NetworkPolicy.On);
        policy.Agent.ShouldBe(NetworkPolicy.Off);
        policy.Verify.ShouldBe(NetworkPolicy.Off);
        policy.Capped.ShouldBe([RepoNetworkPhase.Agent, RepoNetworkPhase.Verify]);
    }

    [Fact]
    public void Resolve_RepositoryNarrows_GetsLessThanTheCeilingWithoutCapping()
    {
        var ceilings = new NetworkCeilings { Setup = NetworkPolicy.On, Agent = NetworkPolicy.On, Verify = NetworkPolicy.On };

        var policy = PhaseNetworkPolicy.Resolve(RepoNetwork.Off, ceilings);

        policy.For(RepoNetworkPhase.Setup).ShouldBe(NetworkPolicy.Off);
        policy.For(RepoNetworkPhase.Agent).ShouldBe(NetworkPolicy.Off);
        policy.For(RepoNetworkPhase.Verify).ShouldBe(NetworkPolicy.Off);
        policy.Capped.ShouldBeEmpty();
    }

    [Fact]
    public void Resolve_OperatorTurnsSetupOff_UnstatedRepositoryGetsNoNetworkAndNoEvent()
    {
        var policy = PhaseNetworkPolicy.Resolve(RepoNetwork.Unstated, new NetworkCeilings { Setup = NetworkPolicy.Off });

        policy.Setup.ShouldBe(NetworkPolicy.Off);
        policy.Capped.ShouldBeEmpty();
    }

    [Fact]
    public void Resolve_OperatorAllowsAgentNetwork_RepositoryMapCanStillNarrowIt()
    {
        var ceilings = new NetworkCeilings { Agent = NetworkPolicy.On };

        var policy = PhaseNetworkPolicy.Resolve(new RepoNetwork(Setup: null, Agent: false, Verify: true), ceilings);

        policy.Setup.ShouldBe(NetworkPolicy.On);
        policy.Agent.ShouldBe(NetworkPolicy.Off);
        policy.Verify.ShouldBe(NetworkPolicy.Off);
        policy.Capped.ShouldBe([RepoNetworkPhase.Verify]);
    }

    private sealed class PolicyComparer : IEqualityComparer<PhaseNetworkPolicy>
    {
        public static readonly PolicyComparer Instance = new();

        public bool Equals(PhaseNetworkPolicy? x, PhaseNetworkPolicy? y) =>
            x is not null && y is not null && x.Setup == y.Setup && x.Agent == y.Agent && x.Verify == y.Verify && x.Capped.SequenceEqual(y.Capped);

        public int GetHashCode(PhaseNetworkPolicy obj) => HashCode.Combine(obj.Setup, obj.Agent, obj.Verify);
    }
}
