using Nightshift.Sandbox;

namespace Nightshift.Agent.Configuration;

/// <summary>
/// The network each phase of a task gets: what the repository asked for (<see cref="RepoNetwork"/>), never more than
/// the operator's ceiling (<see cref="NetworkCeilings"/>, Sandbox:Network). A phase the repository does not mention
/// gets the ceiling. <see cref="Capped"/> lists the phases where the repository asked for more than it got.
/// </summary>
public sealed record PhaseNetworkPolicy(NetworkPolicy Setup, NetworkPolicy Agent, NetworkPolicy Verify, IReadOnlyList<RepoNetworkPhase> Capped)
{
    public static PhaseNetworkPolicy Resolve(RepoNetwork asked, NetworkCeilings ceilings)
    {
        ArgumentNullException.ThrowIfNull(asked);
        ArgumentNullException.ThrowIfNull(ceilings);
        var capped = new List<RepoNetworkPhase>();
        NetworkPolicy One(RepoNetworkPhase phase, bool? wanted, NetworkPolicy ceiling)
        {
            if (wanted is null)
            {
                return ceiling;
            }
            if (wanted.Value && ceiling == NetworkPolicy.Off)
            {
                capped.Add(phase);
            }
            return wanted.Value ? ceiling : NetworkPolicy.Off;
        }
        return new PhaseNetworkPolicy(
            One(RepoNetworkPhase.Setup, asked.Setup, ceilings.Setup),
            One(RepoNetworkPhase.Agent, asked.Agent, ceilings.Agent),
            One(RepoNetworkPhase.Verify, asked.Verify, ceilings.Verify),
            capped);
    }

    public NetworkPolicy For(RepoNetworkPhase phase) => phase switch
    {
        RepoNetworkPhase.Setup => Setup,
        RepoNetworkPhase.Agent => Agent,
        RepoNetworkPhase.Verify => Verify,
        _ => throw new ArgumentOutOfRangeException(nameof(phase), phase, "not a phase"),
    };
}
