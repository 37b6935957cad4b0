namespace Nightshift.Sandbox.Network;

/// <summary>
/// One connection the egress proxy made or refused for a jailed command: the host and port asked for, the request's
/// method, the address connected to (or refused), whether it was allowed, and why, in words a person reads.
/// </summary>
public sealed record NetworkDecision(string Host, int Port, string Method, bool Allowed, string Reason)
{
    /// <summary>The address connected to, or the one refused; null when the name did not resolve or no address was reached.</summary>
    public string? Address { get; init; }
}
