using Nightshift.Sandbox;
using Nightshift.Sandbox.Network;

namespace Nightshift.Agent.Configuration;

/// <summary>
/// What a repository's <c>.nightshift.yml</c> asks for network per phase: setup commands, the agent's own commands and
/// verification, each off, allowlist or on. Null for a phase the file does not mention (the operator's ceiling
/// applies). A repository can only narrow the operator's ceiling (Sandbox:Network): asking for more gets the ceiling,
/// and an event says so.
/// </summary>
public sealed record RepoNetwork(NetworkPolicy? Setup, NetworkPolicy? Agent, NetworkPolicy? Verify)
{
    /// <summary>The file does not say: every phase gets the operator's ceiling.</summary>
    public static RepoNetwork Unstated { get; } = new(null, null, null);

    /// <summary><c>network: off</c>: no phase reaches the network.</summary>
    public static RepoNetwork Off { get; } = new(NetworkPolicy.Off, NetworkPolicy.Off, NetworkPolicy.Off);

    /// <summary><c>network: setup</c>: only the setup commands reach the network.</summary>
    public static RepoNetwork SetupOnly { get; } = new(NetworkPolicy.On, NetworkPolicy.Off, NetworkPolicy.Off);

    /// <summary><c>network: on</c>: every phase asks for the network (within the ceiling).</summary>
    public static RepoNetwork On { get; } = new(NetworkPolicy.On, NetworkPolicy.On, NetworkPolicy.On);

    /// <summary>
    /// The hosts of <c>network.allow</c> and <c>network.presets</c> for phases at Allowlist, or null when the file
    /// names none (the ceiling's allow-list applies). Only what the ceiling's allow-list covers is kept.
    /// </summary>
    public IReadOnlyList<HostRule>? Allow { get; init; }

    public bool Equals(RepoNetwork? other) =>
        other is not null && Setup == other.Setup && Agent == other.Agent && Verify == other.Verify
        && (Allow is null ? other.Allow is null : other.Allow is not null && Allow.SequenceEqual(other.Allow));

    public override int GetHashCode() => HashCode.Combine(Setup, Agent, Verify, Allow?.Count);
}
