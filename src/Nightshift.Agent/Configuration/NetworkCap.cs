using Nightshift.Sandbox;
using Nightshift.Sandbox.Network;

namespace Nightshift.Agent.Configuration;

/// <summary>A phase where <c>.nightshift.yml</c> asked for more network than the ceiling: what it asked, what it got, and the host rules left out.</summary>
public sealed record NetworkCap(RepoNetworkPhase Phase, NetworkPolicy Asked, NetworkPolicy Got, IReadOnlyList<HostRule> Refused);
