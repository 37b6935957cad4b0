using System.Net;

namespace Nightshift.Sandbox.Network;

/// <summary>
/// Decides which connections the egress proxy makes for a jailed command. The proxy asks <see cref="CheckTarget"/>
/// before it resolves the name (allow-lists by host name belong there), then <see cref="CheckAddress"/> for every
/// address the name resolved to, and connects only to an address that was checked.
/// </summary>
public interface IEgressPolicy
{
    /// <summary>Null to go on to resolving the name; otherwise why the target is refused (a person reads it).</summary>
    string? CheckTarget(EgressTarget target);

    /// <summary>Null when <paramref name="address"/> may be connected to for <paramref name="target"/>; otherwise why not.</summary>
    string? CheckAddress(EgressTarget target, IPAddress address);

    /// <summary>
    /// True when the proxy must see each request inside a CONNECT tunnel to <paramref name="target"/> (for example an
    /// allow-list entry limited to GET and HEAD): it then terminates TLS with the installation's certificate authority
    /// and asks <see cref="CheckTarget"/> again for every request, with that request's method.
    /// </summary>
    bool InspectsRequests(EgressTarget target) => false;
}
