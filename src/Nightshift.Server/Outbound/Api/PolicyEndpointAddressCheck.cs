namespace Nightshift.Server.Outbound.Api;

/// <summary>
/// MERGE POINT (obsend): the SSRF rule is <c>Nightshift.Core.Network.OutboundAddressPolicy.CheckUrl</c>, registered by
/// <c>OutboundRegistration</c>. Until that is merged this refuses nothing at creation; the connect-time guard still
/// refuses every forbidden address when a delivery is sent.
/// </summary>
internal sealed class PolicyEndpointAddressCheck : IEndpointAddressCheck
{
    public string? RefusalFor(string url) => null;
}
