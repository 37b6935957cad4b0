using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Nightshift.Core.Events;
using Nightshift.Server.Events;

namespace Nightshift.Server.Streaming;

/// <summary>
/// The server's messages on the stream, each a complete JSON text frame: <c>event</c>, <c>subscribed</c>,
/// <c>unsubscribed</c>, <c>error</c> and <c>pong</c>.
/// </summary>
internal static class StreamFrames
{
    // A live event read once by the shared feed reaches every client as the same TaskEvent: format it once.
    private static readonly ConditionalWeakTable<TaskEvent, byte[]> EventFrames = [];

    public static byte[] Event(TaskEvent taskEvent) =>
        EventFrames.GetValue(taskEvent, static e => Write(w =>
        {
            w.WriteString("type", "event");
            w.WritePropertyName("event");
            EventJson.Write(w, e);
        }));

    public static byte[] Subscribed(StreamCommand command) => Acknowledge("subscribed", command);

    public static byte[] Unsubscribed(StreamCommand command) => Acknowledge("unsubscribed", command);

    public static byte[] Pong(StreamCommand command) => Write(w =>
    {
        w.WriteString("type", "pong");
        WriteRequestId(w, command.RequestId);
    });

    public static byte[] Error(string message, string? requestId = null, string? taskId = null) => Write(w =>
    {
        w.WriteString("type", "error");
        w.WriteString("message", message);
        if (taskId is not null)
        {
            w.WriteString("taskId", taskId);
        }
        WriteRequestId(w, requestId);
    });

    private static byte[] Acknowledge(string type, StreamCommand command) => Write(w =>
    {
        w.WriteString("type", type);
        if (command.Tasks.Count > 0)
        {
            w.WriteStartObject("tasks");
            foreach (var (id, after) in command.Tasks)
            {
                w.WriteNumber(id, after);
            }
            w.WriteEndObject();
        }
        if (command.Repository is not null)
        {
            w.WriteString("repository", command.Repository);
        }
        if (command.All)
        {
            w.WriteBoolean("all", true);
        }
        WriteRequestId(w, command.RequestId);
    });

    private static void WriteRequestId(Utf8JsonWriter writer, string? requestId)
    {
        if (requestId is not null)
        {
            writer.WriteString("id", requestId);
        }
    }

    private static byte[] Write(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = EventJson.CreateWriter(buffer))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }
}
