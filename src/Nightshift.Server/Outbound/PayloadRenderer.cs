using System.Text.Json;
using Nightshift.Core.Events;
using Nightshift.Core.Serialization;
using Nightshift.Core.Tasks;
using Nightshift.Storage.Outbound;

namespace Nightshift.Server.Outbound;

/// <summary>Renders the JSON body of a delivery (<see cref="OutboundPayload"/>, camelCase) once, when it is made.</summary>
internal static class PayloadRenderer
{
    public const int MaxTitleLength = 120;

    /// <param name="publicUrl">the server's address people reach (for the task's link); null when unknown.</param>
    public static string Render(TaskRecord task, TaskEvent taskEvent, string? publicUrl)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(taskEvent);
        var view = new OutboundTaskView(
            task.Id,
            task.Repo,
            task.Status.ToWire(),
            Title(task.Instruction),
            task.Branch,
            task.PullRequest,
            publicUrl is null ? null : $"{publicUrl.TrimEnd('/')}/tasks/{Uri.EscapeDataString(task.Id)}");
        var json = Serialize(view, taskEvent, Data(taskEvent.Data));
        if (json.Length > OutboundDelivery.MaxPayloadLength)
        {
            // The event's data made it too big; receivers fetch the event from the API by its sequence.
            json = Serialize(view, taskEvent, Data("""{"truncated":true}"""));
        }
        return json;
    }

    /// <summary>The instruction's first non-blank line, clipped to <see cref="MaxTitleLength"/> characters.</summary>
    public static string Title(string? instruction)
    {
        var line = (instruction ?? "").Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0) ?? "";
        var clean = new string([.. line.Select(c => char.IsControl(c) ? ' ' : c)]);
        return clean.Length > MaxTitleLength ? clean[..(MaxTitleLength - 1)] + "…" : clean;
    }

    private static string Serialize(OutboundTaskView view, TaskEvent taskEvent, JsonElement data)
    {
        var payload = new OutboundPayload(
            taskEvent.Type,
            taskEvent.Time.ToUniversalTime(),
            new OutboundPayloadData(view, new OutboundEventView(taskEvent.Sequence, taskEvent.Type, taskEvent.Time.ToUniversalTime(), taskEvent.TaskId, data)));
        return JsonSerializer.Serialize(payload, NightshiftJson.Options);
    }

    private static JsonElement Data(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(string.IsNullOrEmpty(json) ? "{}" : json, new JsonDocumentOptions { MaxDepth = 64 });
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            using var empty = JsonDocument.Parse("{}");
            return empty.RootElement.Clone();
        }
    }
}
