using System.Text.Json;
using Nightshift.Core.Events;

namespace Nightshift.Server.Api;

/// <summary>One event as the API shows it, in the JSON array form and in each SSE <c>data:</c> line.</summary>
public sealed record EventView(long Seq, string Type, DateTimeOffset Time, string TaskId, JsonElement Data)
{
    public static EventView From(TaskEvent taskEvent)
    {
        using var document = JsonDocument.Parse(taskEvent.Data);
        return new EventView(taskEvent.Sequence, taskEvent.Type, taskEvent.Time, taskEvent.TaskId, document.RootElement.Clone());
    }
}
