namespace Nightshift.Agent.Configuration;

/// <summary>
/// The <c>limits:</c> of a repository's <c>.nightshift.yml</c>: per command (with optional per-phase overrides) and per
/// task. Never more than the operator's Sandbox:MaxLimits; a value above it is lowered to it.
/// </summary>
public sealed record RepoLimits
{
    public static RepoLimits Unstated { get; } = new();

    /// <summary><c>command:</c>, for every phase that does not override a field.</summary>
    public RepoCommandLimits Command { get; init; } = RepoCommandLimits.Unstated;

    /// <summary><c>setup:</c>, over <see cref="Command"/> for the setup commands.</summary>
    public RepoCommandLimits Setup { get; init; } = RepoCommandLimits.Unstated;

    /// <summary><c>agent:</c>, over <see cref="Command"/> for the agent's (and the plan agent's) commands.</summary>
    public RepoCommandLimits Agent { get; init; } = RepoCommandLimits.Unstated;

    /// <summary><c>verify:</c>, over <see cref="Command"/> for the verification (and baseline) commands.</summary>
    public RepoCommandLimits Verify { get; init; } = RepoCommandLimits.Unstated;

    /// <summary><c>task:</c>.</summary>
    public RepoTaskLimits Task { get; init; } = RepoTaskLimits.Unstated;

    /// <summary>What the commands of <paramref name="phase"/> ask for: the phase's own fields over <see cref="Command"/>.</summary>
    public RepoCommandLimits For(RepoNetworkPhase phase)
    {
        var own = phase switch
        {
            RepoNetworkPhase.Setup => Setup,
            RepoNetworkPhase.Agent => Agent,
            _ => Verify,
        };
        return own.Over(Command);
    }
}
