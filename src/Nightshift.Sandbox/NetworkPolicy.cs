namespace Nightshift.Sandbox;

/// <summary>Whether one command may use the network.</summary>
public enum NetworkPolicy
{
    /// <summary>A private network namespace with only its own loopback: nothing outside the jail is reachable.</summary>
    Off,

    /// <summary>
    /// The host's network namespace is shared: the internet (where the host has it) and also the host's own loopback
    /// services are reachable. Give it only to setup steps that must download dependencies.
    /// </summary>
    On,
}
