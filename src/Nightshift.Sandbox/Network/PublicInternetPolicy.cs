using System.Net;

namespace Nightshift.Sandbox.Network;

/// <summary>
/// The default egress policy: any host name, but only addresses on the public internet (see
/// <see cref="AddressClassifier"/>), except the private targets the operator listed in Sandbox:Egress:AllowPrivate.
/// </summary>
public sealed class PublicInternetPolicy(IReadOnlyList<EgressAllowance> allowPrivate) : IEgressPolicy
{
    public static PublicInternetPolicy Strict { get; } = new([]);

    public string? CheckTarget(EgressTarget target) => null;

    public string? CheckAddress(EgressTarget target, IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(address);
        if (AddressClassifier.WhyNotPublic(address) is not { } why)
        {
            return null;
        }
        return allowPrivate.Any(a => a.Allows(address, target.Port))
            ? null
            : $"{address} is {why}; only public addresses are reachable (an operator can allow a private target in Sandbox:Egress:AllowPrivate)";
    }
}
