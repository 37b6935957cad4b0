namespace Nightshift.Storage.Outbound;

/// <summary>A delivery to make for one event of one task to one endpoint; due at once. The store gives it its id and number.</summary>
public sealed record NewOutboundDelivery(string EndpointId, string TaskId, long Sequence, string EventType, string Payload);
