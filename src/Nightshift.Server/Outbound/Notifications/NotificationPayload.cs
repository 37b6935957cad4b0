using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Nightshift.Storage.Outbound;

namespace Nightshift.Server.Outbound.Notifications;

/// <summary>
/// Reads a delivery's payload (<see cref="OutboundPayload"/>, camelCase JSON) into a <see cref="NotificationMessage"/>.
/// The payload was rendered by the server, but it sits in the store: it is read defensively, and anything malformed is
/// a plain-words error, never an exception.
/// </summary>
internal static class NotificationPayload
{
    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 64 };

    public static bool TryRead(string? payload, [NotNullWhen(true)] out NotificationMessage? message, [NotNullWhen(false)] out string? error)
    {
        message = null;
        if (string.IsNullOrWhiteSpace(payload))
        {
            error = "the delivery's payload is empty";
            return false;
        }
        if (payload.Length > OutboundDelivery.MaxPayloadLength)
        {
            error = $"the delivery's payload is {payload.Length} characters, more than the {OutboundDelivery.MaxPayloadLength} a delivery may have";
            return false;
        }
        try
        {
            using var document = JsonDocument.Parse(payload, Options);
            return TryRead(document.RootElement, out message, out error);
        }
        catch (JsonException ex)
        {
            error = $"the delivery's payload is not valid JSON (at line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1})";
            return false;
        }
    }

    private static bool TryRead(JsonElement root, out NotificationMessage? message, out string? error)
    {
        message = null;
        if (root.ValueKind != JsonValueKind.Object)
        {
            error = $"the delivery's payload is a JSON {Kind(root)}, not an object with type, timestamp and data";
            return false;
        }
        if (Text(root, "type") is not { Length: > 0 } type)
        {
            error = "the delivery's payload has no event type (\"type\")";
            return false;
        }
        if (!root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object
            || !data.TryGetProperty("task", out var task) || task.ValueKind != JsonValueKind.Object)
        {
            error = "the delivery's payload has no task (\"data.task\" must be an object)";
            return false;
        }
        var taskId = Text(task, "id");
        var repo = Text(task, "repo");
        if (string.IsNullOrWhiteSpace(taskId) || string.IsNullOrWhiteSpace(repo))
        {
            error = "the delivery's payload names no task id or repository (\"data.task.id\", \"data.task.repo\")";
            return false;
        }
        DateTimeOffset? timestamp = root.TryGetProperty("timestamp", out var time) && time.ValueKind == JsonValueKind.String
            && time.TryGetDateTimeOffset(out var parsed) ? parsed : null;
        var eventType = NotificationText.OneLine(type, 64);
        var reason = data.TryGetProperty("event", out var ev) && ev.ValueKind == JsonValueKind.Object
            && ev.TryGetProperty("data", out var eventData) && eventData.ValueKind == JsonValueKind.Object
            ? Text(eventData, "error") ?? Text(eventData, "reason")
            : null;
        var title = NotificationText.OneLine(Text(task, "title"), NotificationText.MaxTitleLength);
        message = new NotificationMessage(
            EventType: eventType,
            Timestamp: timestamp,
            TaskId: NotificationText.OneLine(taskId, 100),
            Repo: NotificationText.OneLine(repo, NotificationText.MaxRepoLength),
            Status: NotificationText.StatusOf(eventType),
            Title: title.Length > 0 ? title : "(no title)",
            Branch: Optional(NotificationText.OneLine(Text(task, "branch"), NotificationText.MaxBranchLength)),
            PullRequestUrl: NotificationText.SafeUrl(Text(task, "pullRequestUrl")),
            TaskUrl: NotificationText.SafeUrl(Text(task, "url")),
            Reason: Optional(NotificationText.Lines(reason, NotificationText.MaxReasonLength)));
        error = null;
        return true;
    }

    /// <summary>A string member, or null when it is missing, null or of another kind.</summary>
    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string? Optional(string text) => text.Length == 0 ? null : text;

    private static string Kind(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        _ => "null",
    };
}
