using System.Buffers;
using System.Globalization;
using System.Text;
using Nightshift.Core.Events;

namespace Nightshift.Server.Events;

/// <summary>
/// One event, formatted once as its complete SSE frame: <c>id:</c>, <c>event:</c>, one <c>data:</c> line, blank line;
/// with the event itself, which the WebSocket stream formats its own way.
/// </summary>
internal readonly record struct SseFrame(long Sequence, ReadOnlyMemory<byte> Bytes, TaskEvent Event)
{
    public static SseFrame From(TaskEvent taskEvent)
    {
        var buffer = new ArrayBufferWriter<byte>(256 + taskEvent.Data.Length);
        WriteAscii(buffer, "id: ");
        WriteAscii(buffer, taskEvent.Sequence.ToString(CultureInfo.InvariantCulture));
        WriteAscii(buffer, "\nevent: ");
        WriteAscii(buffer, taskEvent.Type);
        WriteAscii(buffer, "\ndata: ");
        using (var json = EventJson.CreateWriter(buffer))
        {
            EventJson.Write(json, taskEvent);
        }
        WriteAscii(buffer, "\n\n");
        return new SseFrame(taskEvent.Sequence, buffer.WrittenMemory, taskEvent);
    }

    private static void WriteAscii(IBufferWriter<byte> buffer, string text)
    {
        // Event types are checked noun.verb names and sequences are digits, so this is plain ASCII.
        var written = Encoding.ASCII.GetBytes(text, buffer.GetSpan(text.Length));
        buffer.Advance(written);
    }
}
