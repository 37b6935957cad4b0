namespace Nightshift.Server.Outbound.Api;

/// <summary>A page of an endpoint's deliveries, newest first; pass <see cref="NextBefore"/> as <c>before</c> for the next page (null at the end).</summary>
public sealed record DeliveryListResponse(IReadOnlyList<DeliveryView> Items, long? NextBefore);
