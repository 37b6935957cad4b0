using System.Net;

namespace Nightshift.Sandbox.Network;

/// <summary>
/// The egress policy of an <see cref="NetworkPolicy.Allowlist"/> phase: a target passes only when one of
/// <see cref="Rules"/> matches its host, port and method (checked before the name is resolved), and then every address
/// the name resolved to is checked like <see cref="PublicInternetPolicy"/> does, so a private address behind an allowed
/// name, or a name that changes its answer to one, is refused unless Sandbox:Egress:AllowPrivate allows that address.
/// Addresses written as the host are refused: allow-lists name hosts.
/// A CONNECT to a host whose only matching rules limit methods passes <see cref="CheckTarget"/>, and
/// <see cref="InspectsRequests"/> says so: the proxy must then see every request inside the tunnel (and check each
/// with its own method) or refuse the tunnel.
/// </summary>
/// <param name="rules">the allow-list.</param>
/// <param name="allowPrivate">Sandbox:Egress:AllowPrivate.</param>
/// <param name="phase">the phase the commands run for (<c>setup</c>, <c>agent</c>, <c>verify</c>), named in refusals.</param>
public sealed class AllowlistPolicy(IReadOnlyList<HostRule> rules, IReadOnlyList<EgressAllowance> allowPrivate, string phase) : IEgressPolicy
{
    private readonly PublicInternetPolicy _addresses = new(allowPrivate);

    /// <summary>The rules a target must match.</summary>
    public IReadOnlyList<HostRule> Rules { get; } = rules;

    /// <summary>The phase named in refusals.</summary>
    public string Phase { get; } = phase;

    public string? CheckTarget(EgressTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (IPAddress.TryParse(target.Host, out _))
        {
            return $"{target.Host} is an address, and the {Phase} phase reaches only the hosts of its allow-list by name; " +
                "ask for the host by its name (a private one also needs Sandbox:Egress:AllowPrivate)";
        }
        var hostRules = Rules.Where(r => r.MatchesHost(target.Host, target.Port)).ToList();
        if (hostRules.Count == 0)
        {
            return $"{target.Host}:{target.Port} is not on the {Phase} phase's allow-list; to allow it, add '{RuleFor(target)}' to network.allow in .nightshift.yml " +
                "(within the operator's Sandbox:Network:Allow, or its organisation and repository levels, which an operator widens)";
        }
        if (hostRules.Any(r => r.Matches(target.Host, target.Port, target.Method)))
        {
            return null;
        }
        var methods = string.Join(", ", hostRules.SelectMany(r => r.Methods).Distinct().Order(StringComparer.Ordinal));
        return $"{target.Method} to {target.Host}:{target.Port} is not allowed in the {Phase} phase: its allow-list lets only {methods} through; " +
            $"to allow {target.Method}, add it to the rule's methods in network.allow (within the operator's Sandbox:Network:Allow)";
    }

    public string? CheckAddress(EgressTarget target, IPAddress address) => _addresses.CheckAddress(target, address);

    /// <summary>True for a CONNECT whose host only rules that limit methods allow.</summary>
    public bool InspectsRequests(EgressTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        var hostRules = Rules.Where(r => r.MatchesHost(target.Host, target.Port)).ToList();
        return target.Method == "CONNECT" && hostRules.Count > 0 && hostRules.All(r => r.RestrictsMethods);
    }

    private static string RuleFor(EgressTarget target) =>
        target.Host.ToLowerInvariant().TrimEnd('.') + (target.Port is 80 or 443 ? "" : ":" + target.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
}
