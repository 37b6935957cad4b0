using System.Text.Encodings.Web;
using System.Text.Json;
using Nightshift.Core.Events;
using Nightshift.Core.Pipelines;

namespace Nightshift.Server.Dashboard;

/// <summary>How runs and their events read on the dashboard.</summary>
internal static class RunDisplay
{
    // The page HTML-encodes everything it shows; escaping '<' as \u003C here as well would only make outputs unreadable.
    private static readonly JsonSerializerOptions Readable = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string State(RunState state) => state.ToWire().Replace('_', ' ');

    public static string State(StepState state) => state.ToWire().Replace('_', ' ');

    /// <summary>A step's output (a JSON object) indented for reading; the text as it is when it does not parse.</summary>
    public static string? Json(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return null;
        }
        try
        {
            using var document = JsonDocument.Parse(json);
            return JsonSerializer.Serialize(document.RootElement, Readable);
        }
        catch (JsonException)
        {
            return json;
        }
    }

    /// <summary>The run's events as timeline entries, oldest first.</summary>
    public static IReadOnlyList<RunTimelineItem> Timeline(IEnumerable<RunEvent> events) =>
        [.. events.Select(e =>
        {
            try
            {
                using var document = JsonDocument.Parse(e.DataJson);
                return new RunTimelineItem(e.Seq, e.CreatedAt, e.Type, EventSummary.Describe(e.Type, document.RootElement), JsonSerializer.Serialize(document.RootElement, Readable));
            }
            catch (JsonException)
            {
                return new RunTimelineItem(e.Seq, e.CreatedAt, e.Type, "", e.DataJson);
            }
        })];

    /// <summary>How long the run took, or has been going; null before it started.</summary>
    public static string? Duration(RunRecord run, DateTimeOffset now) => run.StartedAt is { } started
        ? Display.Duration((run.FinishedAt ?? now) - started)
        : null;

    /// <summary>When a schedule next fires, as a distance from now ("in 6 h 5 min", "due now").</summary>
    public static string Until(DateTimeOffset when, DateTimeOffset now) => when <= now ? "due now" : "in " + Display.Duration(when - now);
}
