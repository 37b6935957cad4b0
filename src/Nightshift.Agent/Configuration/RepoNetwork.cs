namespace Nightshift.Agent.Configuration;

/// <summary>
/// What a repository's <c>.nightshift.yml</c> asks for network per phase: setup commands, the agent's own commands and
/// verification. Null for a phase the file does not mention (the operator's ceiling applies). A repository can only
/// narrow the operator's ceiling (Sandbox:Network): asking for more gets the ceiling, and an event says so.
/// </summary>
public sealed record RepoNetwork(bool? Setup, bool? Agent, bool? Verify)
{
    /// <summary>The file does not say: every phase gets the operator's ceiling.</summary>
    public static RepoNetwork Unstated { get; } = new(null, null, null);

    /// <summary><c>network: off</c>: no phase reaches the network.</summary>
    public static RepoNetwork Off { get; } = new(false, false, false);

    /// <summary><c>network: setup</c>: only the setup commands reach the network.</summary>
    public static RepoNetwork SetupOnly { get; } = new(true, false, false);

    /// <summary><c>network: on</c>: every phase asks for the network (within the ceiling).</summary>
    public static RepoNetwork On { get; } = new(true, true, true);
}
