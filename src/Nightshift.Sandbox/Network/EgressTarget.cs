namespace Nightshift.Sandbox.Network;

/// <summary>
/// Where a jailed command asked the egress proxy to connect: the host as written (a name or an address literal), the
/// port, and the request's method (<c>CONNECT</c> for a tunnel, else the plain HTTP method).
/// </summary>
public sealed record EgressTarget(string Host, int Port, string Method);
