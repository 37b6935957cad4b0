using Nightshift.Sandbox;
using Nightshift.Sandbox.Network;

namespace Nightshift.Agent.Execution;

/// <summary>
/// What the commands of one phase of a task run with in the jail: the phase's name (<c>setup</c>, <c>agent</c>,
/// <c>plan</c>, <c>verify</c>, the <c>purpose</c> of their events and audit rows), its network within the operator's
/// ceiling, the allow-list and credentials of its egress proxy, its resource limits, and the subtask it works for.
/// </summary>
internal sealed record PhaseCommands(string Purpose, NetworkPolicy Network)
{
    /// <summary>What the egress proxy lets through; required for <see cref="NetworkPolicy.Allowlist"/>, null for the sandbox's default.</summary>
    public IEgressPolicy? Egress { get; init; }

    /// <summary>Credentials the egress proxy adds for their hosts; they never enter the jail.</summary>
    public IReadOnlyList<EgressCredential> Credentials { get; init; } = [];

    /// <summary>Resource limits of each command; null fields take the sandbox's defaults.</summary>
    public SandboxLimits? Limits { get; init; }

    /// <summary>The subtask the commands run for (kept in the command audit trail), or null for the task as a whole.</summary>
    public string? Subtask { get; init; }
}
