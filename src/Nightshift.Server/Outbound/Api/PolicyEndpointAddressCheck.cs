using Nightshift.Core.Network;

namespace Nightshift.Server.Outbound.Api;

/// <summary>The SSRF rule of <see cref="OutboundAddressPolicy"/> (built from <c>Outbound:AllowedHosts</c>), applied to a URL without DNS.</summary>
internal sealed class PolicyEndpointAddressCheck(OutboundAddressPolicy policy) : IEndpointAddressCheck
{
    public string? RefusalFor(string url) => policy.CheckUrl(url) is { } refusal ? $"'{Clip(url)}' is refused: {refusal}" : null;

    private static string Clip(string url) => url.Length <= 100 ? url : url[..100] + "…";
}
