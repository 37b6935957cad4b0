using Microsoft.Extensions.Options;
using Nightshift.Server.ForgeStatus;
using Nightshift.Server.Hosting;

namespace Nightshift.Server.Outbound;

/// <summary>The address people reach this server at, for task links: <c>Webhooks:Status:PublicUrl</c> if set, else the listening address.</summary>
internal sealed class OutboundPublicAddress(IOptions<ForgeStatusOptions> forgeStatus, ServerInfoPublisher? serverInfo = null)
{
    public string? Url => string.IsNullOrEmpty(forgeStatus.Value.PublicUrl) ? serverInfo?.Url : forgeStatus.Value.PublicUrl;
}
