namespace Nightshift.Storage.Outbound;

/// <summary>A page of deliveries, newest first; <see cref="NextBefore"/> continues the list (null at its end).</summary>
public sealed record DeliveryPage(IReadOnlyList<OutboundDelivery> Deliveries, long? NextBefore);
