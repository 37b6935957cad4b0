using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Nightshift.Core.Events;
using Nightshift.Core.Pipelines;

namespace Nightshift.Server.Pipelines.Api;

/// <summary>
/// A run's events as Server-Sent Events frames (<c>id:</c> seq, <c>event:</c> type, one <c>data:</c> JSON line), read
/// from the run's log after a sequence number and then polled at a short interval until the run's final event
/// (run.succeeded, run.needs_review, run.failed, run.cancelled) has been sent.
/// </summary>
internal sealed class RunEventFeed(PipelineService pipelines, TimeProvider time, TimeSpan pollInterval)
{
    public const int Page = 500;

    /// <summary>Empty polls between looks at the run itself, so a run that ended without a final event (it never should) still ends the stream.</summary>
    private const int PollsPerStateCheck = 8;

    public static bool IsFinal(string type) =>
        type is EventTypes.RunSucceeded or EventTypes.RunNeedsReview or EventTypes.RunFailed or EventTypes.RunCancelled;

    public async IAsyncEnumerable<ReadOnlyMemory<byte>> FramesAsync(RunRecord run, long afterSequence, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var last = afterSequence;
        var emptyPolls = 0;
        using var timer = new PeriodicTimer(pollInterval, time);
        while (true)
        {
            var page = await pipelines.ReadEventsAsync(run.Id, last, Page, cancellationToken);
            var ended = false;
            foreach (var runEvent in page)
            {
                last = runEvent.Seq;
                yield return Frame(runEvent);
                if (IsFinal(runEvent.Type))
                {
                    ended = true;
                    break;
                }
            }
            if (ended)
            {
                yield break;
            }
            if (page.Count == Page)
            {
                continue;
            }
            if (page.Count == 0 && ++emptyPolls % PollsPerStateCheck == 0
                && (await pipelines.FindRunAsync(run.OrgId, run.Id, cancellationToken) is not { } current || current.State.IsFinished()))
            {
                // Gone, or ended: send what was appended meanwhile, then stop.
                foreach (var runEvent in await pipelines.ReadEventsAsync(run.Id, last, Page, cancellationToken))
                {
                    last = runEvent.Seq;
                    yield return Frame(runEvent);
                }
                yield break;
            }
            if (page.Count > 0)
            {
                emptyPolls = 0;
            }
            if (!await timer.WaitForNextTickAsync(cancellationToken))
            {
                yield break;
            }
        }
    }

    /// <summary>The event as the API shows it in JSON arrays and SSE data lines.</summary>
    public static RunEventView View(RunEvent runEvent) => new(runEvent.Seq, runEvent.Type, runEvent.CreatedAt, runEvent.RunId, DataOf(runEvent.DataJson));

    public static ReadOnlyMemory<byte> Frame(RunEvent runEvent)
    {
        var buffer = new ArrayBufferWriter<byte>(256 + runEvent.DataJson.Length);
        Ascii(buffer, "id: " + runEvent.Seq.ToString(CultureInfo.InvariantCulture) + "\nevent: " + SafeType(runEvent.Type) + "\ndata: ");
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = false }))
        {
            writer.WriteStartObject();
            writer.WriteNumber("seq", runEvent.Seq);
            writer.WriteString("type", runEvent.Type);
            writer.WriteString("time", runEvent.CreatedAt);
            writer.WriteString("runId", runEvent.RunId);
            writer.WritePropertyName("data");
            // Parsed and written anew: compact (a line break would end the data line early) and always valid JSON.
            DataOf(runEvent.DataJson).WriteTo(writer);
            writer.WriteEndObject();
        }
        Ascii(buffer, "\n\n");
        return buffer.WrittenMemory;
    }

    private static JsonElement DataOf(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 64 });
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return JsonSerializer.SerializeToElement(json);
        }
    }

    /// <summary>Event types are noun.verb names the coordinator writes; anything else is shown without what could break the frame.</summary>
    private static string SafeType(string type)
    {
        var clean = new string(type.Where(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-').Take(64).ToArray());
        return clean.Length == 0 ? "unknown" : clean;
    }

    private static void Ascii(IBufferWriter<byte> buffer, string text)
    {
        var written = Encoding.ASCII.GetBytes(text, buffer.GetSpan(text.Length));
        buffer.Advance(written);
    }
}
