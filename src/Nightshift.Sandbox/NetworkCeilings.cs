namespace Nightshift.Sandbox;

/// <summary>
/// The operator's ceiling on network access per phase of a task, bound from <c>Sandbox:Network</c>. A repository's
/// <c>.nightshift.yml</c> may ask for less, never for more. On means the egress proxy (public addresses only), never
/// the host's network.
/// </summary>
public sealed class NetworkCeilings
{
    /// <summary>The repository's setup commands (installing dependencies): On by default.</summary>
    public NetworkPolicy Setup { get; set; } = NetworkPolicy.On;

    /// <summary>Commands the agent runs while it works (its <c>run</c> tool): Off by default.</summary>
    public NetworkPolicy Agent { get; set; } = NetworkPolicy.Off;

    /// <summary>The verification commands (build, lint, test): Off by default.</summary>
    public NetworkPolicy Verify { get; set; } = NetworkPolicy.Off;
}
