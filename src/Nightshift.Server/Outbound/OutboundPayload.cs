namespace Nightshift.Server.Outbound;

/// <summary>
/// The JSON body of every outbound delivery (camelCase on the wire), in the Standard Webhooks shape:
/// <c>{"type","timestamp","data":{"task":{…},"event":{…}}}</c>. Rendered once when the delivery is made; the chat and
/// email senders read it back to write their messages.
/// </summary>
/// <param name="Type">the event type (<c>task.succeeded</c>).</param>
/// <param name="Timestamp">when the event happened (UTC).</param>
public sealed record OutboundPayload(string Type, DateTimeOffset Timestamp, OutboundPayloadData Data);
