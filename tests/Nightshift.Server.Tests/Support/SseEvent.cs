using System.Text.Json;

namespace Nightshift.Server.Tests.Support;

/// <summary>One frame of an event stream, with its data parsed.</summary>
internal sealed record SseEvent(long Id, string Event, string Data)
{
    public JsonElement Json => JsonDocument.Parse(Data).RootElement;
}
