namespace Nightshift.Storage.Outbound;

/// <summary>
/// One event (or notification) to send to one endpoint: a durable row, retried on a schedule until delivered or dead.
/// Deliveries of one task to one endpoint are sent in order: one waits while an earlier one is pending or sending.
/// </summary>
/// <param name="Id">the message id (<c>msg_…</c>), sent as <c>webhook-id</c>; the same on every retry and redelivery.</param>
/// <param name="Number">the store's ordinal: later deliveries have larger numbers.</param>
/// <param name="Sequence">the event's sequence in the task's log.</param>
/// <param name="Payload">the JSON body, rendered once when the delivery was made.</param>
/// <param name="Attempts">attempts made since it was made or last redelivered; the retry schedule counts these.</param>
/// <param name="NextAttemptAt">when it may be tried next (pending only).</param>
public sealed record OutboundDelivery(
    string Id,
    long Number,
    string EndpointId,
    string TaskId,
    long Sequence,
    string EventType,
    string Payload,
    OutboundDeliveryState State,
    int Attempts,
    DateTimeOffset NextAttemptAt,
    DateTimeOffset CreatedAt,
    DateTimeOffset? LastAttemptAt,
    DateTimeOffset? DeliveredAt,
    int? LastStatusCode,
    string? LastError)
{
    public const int MaxPayloadLength = 256 * 1024;
    public const int MaxErrorLength = 2_000;
}
