using Nightshift.Sandbox.Network;

namespace Nightshift.Sandbox;

/// <summary>The operator's ceiling for one task's phases, every level of <see cref="NetworkCeilings"/> applied.</summary>
public sealed record NetworkCeiling(PhaseNetwork Setup, PhaseNetwork Agent, PhaseNetwork Verify)
{
    /// <summary>This ceiling narrowed by <paramref name="level"/>.</summary>
    public NetworkCeiling Narrow(NetworkLevel level)
    {
        ArgumentNullException.ThrowIfNull(level);
        var rules = PhaseNetwork.RulesOf(level.Allow, level.Presets);
        return new NetworkCeiling(Setup.Narrow(level.Setup, rules, out _), Agent.Narrow(level.Agent, rules, out _), Verify.Narrow(level.Verify, rules, out _));
    }
}
