using System.Text.Json;

namespace Nightshift.Server.Outbound;

/// <summary>The event as the API's event stream shows it: <c>{"seq","type","time","taskId","data"}</c>.</summary>
public sealed record OutboundEventView(long Seq, string Type, DateTimeOffset Time, string TaskId, JsonElement Data);
