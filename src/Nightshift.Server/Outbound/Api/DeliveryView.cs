using Nightshift.Storage.Outbound;

namespace Nightshift.Server.Outbound.Api;

/// <summary>One delivery in a list: where it stands, without its payload.</summary>
/// <param name="Id">the message id, sent as <c>webhook-id</c>; the same on every retry and redelivery.</param>
/// <param name="Seq">the event's sequence in its task's log.</param>
/// <param name="NextAttemptAt">when it is tried next (pending only; null otherwise).</param>
public sealed record DeliveryView(
    string Id,
    long Number,
    string EndpointId,
    string TaskId,
    long Seq,
    string EventType,
    string State,
    int Attempts,
    DateTimeOffset? NextAttemptAt,
    DateTimeOffset CreatedAt,
    DateTimeOffset? LastAttemptAt,
    DateTimeOffset? DeliveredAt,
    int? LastStatusCode,
    string? LastError)
{
    public static DeliveryView From(OutboundDelivery delivery) => new(
        delivery.Id,
        delivery.Number,
        delivery.EndpointId,
        delivery.TaskId,
        delivery.Sequence,
        delivery.EventType,
        OutboundWire.State(delivery.State),
        delivery.Attempts,
        delivery.State == OutboundDeliveryState.Pending ? delivery.NextAttemptAt : null,
        delivery.CreatedAt,
        delivery.LastAttemptAt,
        delivery.DeliveredAt,
        delivery.LastStatusCode,
        delivery.LastError);
}
