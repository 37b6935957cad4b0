namespace Nightshift.Server.Outbound.Api;

/// <summary>The answer of <c>GET /api/v1/webhooks</c>: every endpoint, oldest first.</summary>
public sealed record EndpointListResponse(IReadOnlyList<EndpointView> Items);
