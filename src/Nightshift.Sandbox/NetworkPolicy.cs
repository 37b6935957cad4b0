namespace Nightshift.Sandbox;

/// <summary>
/// Whether one command may use the network, and how much. Either way the jail has a network namespace of its own: the
/// host's network namespace (and so its loopback services) is never shared. The order matters: Off &lt; Allowlist &lt; On,
/// and a repository may only ask for a policy at or below the operator's ceiling.
/// </summary>
public enum NetworkPolicy
{
    /// <summary>A private network namespace with only its own loopback: nothing outside the jail is reachable.</summary>
    Off,

    /// <summary>
    /// As <see cref="On"/>, but the egress proxy reaches only the hosts of an allow-list (exact names and <c>*.suffix</c>
    /// patterns, optionally limited to some methods); the command's <see cref="CommandSpec.EgressPolicy"/> carries it.
    /// </summary>
    Allowlist,

    /// <summary>
    /// The jail's own network namespace, whose only way out is the worker's egress proxy (see
    /// <see cref="Network.EgressProxy"/>): HTTP_PROXY and its relatives point at it, it resolves names itself, and it
    /// refuses loopback, private, link-local, carrier-grade NAT and metadata addresses. A process that ignores the
    /// proxy variables reaches nothing.
    /// </summary>
    On,
}

/// <summary>Helpers on <see cref="NetworkPolicy"/>.</summary>
public static class NetworkPolicyExtensions
{
    /// <summary>True when the command gets a way out through the egress proxy (<see cref="NetworkPolicy.Allowlist"/> or <see cref="NetworkPolicy.On"/>).</summary>
    public static bool IsNetworked(this NetworkPolicy policy) => policy is NetworkPolicy.Allowlist or NetworkPolicy.On;

    /// <summary>The policy's name in configuration, events and the command audit trail: <c>off</c>, <c>allowlist</c>, <c>on</c>.</summary>
    public static string ToWire(this NetworkPolicy policy) => policy switch
    {
        NetworkPolicy.Off => "off",
        NetworkPolicy.Allowlist => "allowlist",
        NetworkPolicy.On => "on",
        _ => throw new ArgumentOutOfRangeException(nameof(policy), policy, "not a network policy"),
    };
}
