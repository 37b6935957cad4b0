using Nightshift.Storage.Outbound;

namespace Nightshift.Server.Outbound.Api;

/// <summary>The body of <c>POST /api/v1/webhooks</c> as read and checked by <see cref="EndpointRequestReader"/>.</summary>
internal sealed record EndpointRequest(
    OutboundChannel Channel,
    string? Url,
    IReadOnlyList<string> Recipients,
    IReadOnlyList<string> Events,
    IReadOnlyList<string> Repositories,
    string? Description,
    int MaxInFlight,
    int MaxPerMinute);
