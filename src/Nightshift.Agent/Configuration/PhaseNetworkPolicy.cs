using Nightshift.Core.Events.Payloads;
using Nightshift.Sandbox;
using Nightshift.Sandbox.Network;

namespace Nightshift.Agent.Configuration;

/// <summary>
/// The network each phase of a task gets: what the repository asked for (<see cref="RepoNetwork"/>), never more than
/// the operator's ceiling for the task (<see cref="NetworkCeiling"/>: Sandbox:Network with its organisation and
/// repository levels). A phase the repository does not mention gets the ceiling. <see cref="Capped"/> lists the phases
/// where the repository asked for more than it got: a higher policy, or hosts the ceiling's allow-list does not cover.
/// </summary>
public sealed record PhaseNetworkPolicy(PhaseNetwork Setup, PhaseNetwork Agent, PhaseNetwork Verify, IReadOnlyList<NetworkCap> Capped)
{
    /// <summary>Against the installation's ceiling alone (no organisation or repository level).</summary>
    public static PhaseNetworkPolicy Resolve(RepoNetwork asked, NetworkCeilings ceilings)
    {
        ArgumentNullException.ThrowIfNull(ceilings);
        return Resolve(asked, ceilings.Installation());
    }

    public static PhaseNetworkPolicy Resolve(RepoNetwork asked, NetworkCeiling ceiling)
    {
        ArgumentNullException.ThrowIfNull(asked);
        ArgumentNullException.ThrowIfNull(ceiling);
        var capped = new List<NetworkCap>();
        PhaseNetwork One(RepoNetworkPhase phase, NetworkPolicy? wanted, PhaseNetwork limit)
        {
            var got = limit.Narrow(wanted, asked.Allow, out var refused);
            if ((wanted is { } policy && policy > limit.Policy) || refused.Count > 0)
            {
                capped.Add(new NetworkCap(phase, wanted ?? limit.Policy, got.Policy, refused));
            }
            return got;
        }
        return new PhaseNetworkPolicy(
            One(RepoNetworkPhase.Setup, asked.Setup, ceiling.Setup),
            One(RepoNetworkPhase.Agent, asked.Agent, ceiling.Agent),
            One(RepoNetworkPhase.Verify, asked.Verify, ceiling.Verify),
            capped);
    }

    /// <summary>The policy <paramref name="phase"/> runs with.</summary>
    public NetworkPolicy For(RepoNetworkPhase phase) => Of(phase).Policy;

    /// <summary>The policy and allow-list <paramref name="phase"/> runs with.</summary>
    public PhaseNetwork Of(RepoNetworkPhase phase) => phase switch
    {
        RepoNetworkPhase.Setup => Setup,
        RepoNetworkPhase.Agent => Agent,
        RepoNetworkPhase.Verify => Verify,
        _ => throw new ArgumentOutOfRangeException(nameof(phase), phase, "not a phase"),
    };

    /// <summary>The egress policy of <paramref name="phase"/>'s commands: its allow-list at Allowlist, else null (the sandbox's default).</summary>
    public IEgressPolicy? Egress(RepoNetworkPhase phase, IReadOnlyList<EgressAllowance> allowPrivate) =>
        Of(phase).Egress(allowPrivate, Name(phase));

    /// <summary>The <c>network.capped</c> event's payload, or null when nothing was capped.</summary>
    public NetworkCappedPayload? CappedPayload()
    {
        if (Capped.Count == 0)
        {
            return null;
        }
        var parts = Capped.Select(c => c.Asked > c.Got
            ? $"{Name(c.Phase)} asked for {c.Asked.ToWire()} and runs with {c.Got.ToWire()}"
            : $"{Name(c.Phase)} may not reach {string.Join(", ", c.Refused)}");
        return new NetworkCappedPayload(
            [.. Capped.Select(c => Name(c.Phase))],
            $"{RepoConfigParser.FileName} asks for more network than the operator's Sandbox:Network ceiling allows ({string.Join("; ", parts)}); those phases run with the ceiling — an operator can widen it in Sandbox:Network, its Organisations or Repositories",
            [.. Capped.Select(c => new NetworkCapEntry(Name(c.Phase), c.Asked.ToWire(), c.Got.ToWire(), c.Refused.Count == 0 ? null : [.. c.Refused.Select(r => r.ToString())]))]);
    }

    /// <summary>A phase's name in events and refusals: <c>setup</c>, <c>agent</c>, <c>verify</c>.</summary>
    public static string Name(RepoNetworkPhase phase) => phase.ToString().ToLowerInvariant();
}
