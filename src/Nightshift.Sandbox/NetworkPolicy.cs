namespace Nightshift.Sandbox;

/// <summary>
/// Whether one command may use the network. Either way the jail has a network namespace of its own: the host's
/// network namespace (and so its loopback services) is never shared.
/// </summary>
public enum NetworkPolicy
{
    /// <summary>A private network namespace with only its own loopback: nothing outside the jail is reachable.</summary>
    Off,

    /// <summary>
    /// The jail's own network namespace, whose only way out is the worker's egress proxy (see
    /// <see cref="Network.EgressProxy"/>): HTTP_PROXY and its relatives point at it, it resolves names itself, and it
    /// refuses loopback, private, link-local, carrier-grade NAT and metadata addresses. A process that ignores the
    /// proxy variables reaches nothing.
    /// </summary>
    On,
}
