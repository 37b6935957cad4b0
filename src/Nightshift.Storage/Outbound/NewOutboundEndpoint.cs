namespace Nightshift.Storage.Outbound;

/// <summary>
/// An endpoint to make. The store checks lengths, counts and shapes (an absolute http(s) URL without credentials for
/// webhook and slack, recipients for email); whether the URL's host may be reached is checked when connecting.
/// </summary>
/// <param name="Id">null to have one made (<c>we_…</c>); given for endpoints declared in the configuration.</param>
/// <param name="Secret">the first signing secret (webhook only; null for the other channels).</param>
public sealed record NewOutboundEndpoint(
    OutboundChannel Channel,
    string? Url,
    IReadOnlyList<string> Recipients,
    string? Description,
    IReadOnlyList<string> EventTypes,
    IReadOnlyList<string> Repositories,
    string? Secret,
    int MaxInFlight = OutboundEndpoint.DefaultMaxInFlight,
    int MaxPerMinute = 0,
    string ManagedBy = OutboundEndpoint.ManagedByApi,
    string? Id = null)
{
    /// <summary>The organisation it belongs to; set by the server from the caller.</summary>
    public string OrgId { get; init; } = Core.Teams.OrgIds.Default;
}
