using Nightshift.Sandbox.Network;

namespace Nightshift.Sandbox;

/// <summary>
/// The operator's ceiling on network access per phase of a task, bound from <c>Sandbox:Network</c>: the installation's
/// (<see cref="Setup"/>, <see cref="Agent"/>, <see cref="Verify"/> with <see cref="Allow"/> and <see cref="Presets"/>),
/// narrowed per organisation (<see cref="Organisations"/>) and then per repository (<see cref="Repositories"/>). A
/// repository's <c>.nightshift.yml</c> may ask for less, never for more. On means the egress proxy (public addresses
/// only), never the host's network; Allowlist the egress proxy to the allow-list's hosts only.
/// </summary>
public sealed class NetworkCeilings
{
    /// <summary>The most rules one level's Allow may hold.</summary>
    public const int MaxRules = 500;

    /// <summary>The repository's setup commands (installing dependencies): On by default.</summary>
    public NetworkPolicy Setup { get; set; } = NetworkPolicy.On;

    /// <summary>Commands the agent runs while it works (its <c>run</c> tool): Off by default.</summary>
    public NetworkPolicy Agent { get; set; } = NetworkPolicy.Off;

    /// <summary>The verification commands (build, lint, test): Off by default.</summary>
    public NetworkPolicy Verify { get; set; } = NetworkPolicy.Off;

    /// <summary>The installation's allow-list for phases at Allowlist: host rules (see <see cref="HostRule"/>).</summary>
    public string[] Allow { get; set; } = [];

    /// <summary>Presets (npm, pypi, nuget, go, crates) whose registry hosts join <see cref="Allow"/>.</summary>
    public string[] Presets { get; set; } = [];

    /// <summary>Narrower ceilings per organisation id.</summary>
    public Dictionary<string, NetworkLevel> Organisations { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Narrower ceilings per repository or repository pattern; every matching entry applies, patterns first.</summary>
    public List<RepositoryNetworkLevel> Repositories { get; set; } = [];

    /// <summary>The installation's ceiling alone.</summary>
    public NetworkCeiling Installation()
    {
        var rules = PhaseNetwork.RulesOf(Allow, Presets) ?? [];
        return new NetworkCeiling(PhaseNetwork.On.Narrow(Setup, rules, out _), PhaseNetwork.On.Narrow(Agent, rules, out _), PhaseNetwork.On.Narrow(Verify, rules, out _));
    }

    /// <summary>The ceiling for a task of organisation <paramref name="orgId"/> on <paramref name="repo"/>: the installation's, narrowed by every level that applies.</summary>
    public NetworkCeiling For(string orgId, string repo)
    {
        var ceiling = Installation();
        if (Organisations?.FirstOrDefault(o => string.Equals(o.Key, orgId, StringComparison.Ordinal)).Value is { } organisation)
        {
            ceiling = ceiling.Narrow(organisation);
        }
        foreach (var entry in (Repositories ?? []).Where(r => r is not null && r.Matches(repo ?? "")).OrderBy(r => r.IsPattern ? 0 : 1))
        {
            ceiling = ceiling.Narrow(entry);
        }
        return ceiling;
    }
}
