using System.Buffers;
using System.Text.Json;
using Nightshift.Core.Events;

namespace Nightshift.Server.Events;

/// <summary>
/// Writes an event as one line of JSON, <c>{"seq","type","time","taskId","data"}</c>, with the payload copied
/// as it is stored instead of being parsed and re-serialized for every client.
/// </summary>
internal static class EventJson
{
    private static readonly JsonWriterOptions WriterOptions = new() { Indented = false, SkipValidation = false };

    public static void Write(Utf8JsonWriter writer, TaskEvent taskEvent)
    {
        writer.WriteStartObject();
        writer.WriteNumber("seq", taskEvent.Sequence);
        writer.WriteString("type", taskEvent.Type);
        writer.WriteString("time", taskEvent.Time);
        writer.WriteString("taskId", taskEvent.TaskId);
        writer.WritePropertyName("data");
        if (taskEvent.Data.AsSpan().IndexOfAny('\n', '\r') < 0)
        {
            writer.WriteRawValue(taskEvent.Data);
        }
        else
        {
            // A payload stored with line breaks would end the SSE data line early: re-serialize it compactly.
            using var document = JsonDocument.Parse(taskEvent.Data);
            document.RootElement.WriteTo(writer);
        }
        writer.WriteEndObject();
    }

    public static Utf8JsonWriter CreateWriter(IBufferWriter<byte> buffer) => new(buffer, WriterOptions);
}
