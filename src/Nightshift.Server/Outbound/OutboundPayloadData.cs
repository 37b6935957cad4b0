namespace Nightshift.Server.Outbound;

/// <summary>The task as it was when the delivery was made, and the event itself.</summary>
public sealed record OutboundPayloadData(OutboundTaskView Task, OutboundEventView Event);
