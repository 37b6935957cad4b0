using Nightshift.Storage.Outbound;

namespace Nightshift.Server.Outbound.Api;

/// <summary>An outbound endpoint as the API shows it: its secrets by id and dates only.</summary>
/// <param name="Events">event types delivered (exact, or a prefix with <c>.*</c>); empty for every event.</param>
/// <param name="Repositories">repositories whose tasks are delivered; empty for all.</param>
public sealed record EndpointView(
    string Id,
    string Channel,
    string? Url,
    IReadOnlyList<string> Recipients,
    string? Description,
    IReadOnlyList<string> Events,
    IReadOnlyList<string> Repositories,
    bool Active,
    string? DisabledReason,
    string ManagedBy,
    int MaxInFlight,
    int MaxPerMinute,
    IReadOnlyList<SecretView> Secrets,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public static EndpointView From(OutboundEndpoint endpoint, DateTimeOffset now) => new(
        endpoint.Id,
        OutboundWire.Channel(endpoint.Channel),
        endpoint.Url,
        endpoint.Recipients,
        endpoint.Description,
        endpoint.EventTypes,
        endpoint.Repositories,
        endpoint.Active,
        endpoint.DisabledReason,
        endpoint.ManagedBy,
        endpoint.MaxInFlight,
        endpoint.MaxPerMinute,
        [.. endpoint.Secrets.Select(s => new SecretView(s.Id, s.CreatedAt, s.ExpiresAt, s.IsActiveAt(now)))],
        endpoint.CreatedAt,
        endpoint.UpdatedAt);
}
