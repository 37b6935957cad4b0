using System.Globalization;
using System.Text;
using System.Text.Json;
using Nightshift.Core.Events;
using Nightshift.Core.Usage;

namespace Nightshift.Server.Dashboard;

/// <summary>Turns a task's events into timeline entries: model calls with tokens and cost, tool calls with their results folded in, command output.</summary>
internal static class Timeline
{
    private static readonly JsonSerializerOptions Pretty = new() { WriteIndented = true };

    /// <param name="fold">pair results with their calls and join command output (a whole page); false for live fragments.</param>
    public static IReadOnlyList<TimelineItem> Build(IEnumerable<TaskEvent> events, bool fold)
    {
        var items = new List<TimelineItem>();
        var calls = new Dictionary<string, TimelineItem>(StringComparer.Ordinal);
        foreach (var taskEvent in events)
        {
            var item = From(taskEvent);
            if (fold && item.FoldInto is { } anchor && calls.TryGetValue(anchor, out var call))
            {
                call.ResultLabel = item.ResultLabel;
                call.Result = item.Result;
                call.IsError = item.IsError;
                continue;
            }
            if (fold && item.MergeKey is not null && items.Count > 0 && items[^1].MergeKey == item.MergeKey)
            {
                items[^1].Lines.AddRange(item.Lines);
                continue;
            }
            if (item.AnchorId is not null)
            {
                calls[item.AnchorId] = item;
            }
            items.Add(item);
        }
        return items;
    }

    private static TimelineItem From(TaskEvent e)
    {
        JsonElement data;
        try
        {
            using var document = JsonDocument.Parse(e.Data);
            data = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            data = default;
        }
        var item = new TimelineItem(e.Sequence, e.Time, e.Type, Kind(e.Type), Title(e.Type, data)) { Bookkeeping = EventSummary.IsBookkeeping(e.Type) };
        return e.Type switch
        {
            EventTypes.ModelResponse => item with
            {
                Summary = ModelSummary(data),
                DetailsLabel = Text(data, "text") is null ? null : "reply",
                Details = Text(data, "text"),
            },
            EventTypes.ModelRequest => item with { Summary = Join(Text(data, "role"), Number(data, "step") is { } s ? $"step {s}" : null, Number(data, "estimatedTokens") is { } t ? $"≈ {Display.Tokens(t)} tokens in context" : null) },
            EventTypes.ToolCall => item with
            {
                AnchorId = Text(data, "callId") is { } id ? "call-" + Slug(id) : null,
                Summary = Text(data, "tool") ?? Text(data, "name"),
                DetailsLabel = "arguments",
                Details = PrettyJson(Text(data, "arguments")) ?? Compact(data),
            },
            EventTypes.ToolResult => item with
            {
                FoldInto = Text(data, "callId") is { } id ? "call-" + Slug(id) : null,
                Summary = Join(Text(data, "tool"), Number(data, "durationMs") is { } ms ? $"{ms} ms" : null),
                ResultLabel = Bool(data, "isError") ? "error" : "result",
                Result = Text(data, "content") ?? Compact(data),
                IsError = Bool(data, "isError"),
            },
            EventTypes.CommandOutput => item with
            {
                Summary = Join(Text(data, "purpose"), Text(data, "command")),
                MergeKey = "cmd-" + Slug((Text(data, "purpose") ?? "") + ":" + (Text(data, "command") ?? "")),
                Lines = Lines(data),
            },
            // Everything else reads as the CLI reads it, one line, with the payload folded under it.
            _ => item with
            {
                Summary = Describe(e.Type, data),
                DetailsLabel = "data",
                Details = IsEmpty(data) ? null : PrettyJson(e.Data),
            },
        };
    }

    private static string? Describe(string type, JsonElement data) =>
        EventSummary.Describe(type, data) is { Length: > 0 } line ? line : null;

    public static string? SubtaskId(JsonElement data) => Text(data, "subtaskId") ?? Text(data, "id");

    private static string Kind(string type) => type switch
    {
        EventTypes.ModelRequest or EventTypes.ModelResponse => "model",
        EventTypes.ToolCall or EventTypes.ToolResult => "tool",
        EventTypes.CommandOutput => "output",
        EventTypes.VerifyPassed or EventTypes.TaskSucceeded or EventTypes.SubtaskCompleted => "good",
        EventTypes.VerifyFailed or EventTypes.TaskFailed or EventTypes.SubtaskFailed or EventTypes.TaskTimedOut or EventTypes.TaskDead => "bad",
        _ when type.StartsWith("plan.", StringComparison.Ordinal) => "plan",
        _ when type.StartsWith("verify.", StringComparison.Ordinal) => "verify",
        _ => "state",
    };

    private static string Title(string type, JsonElement data) => type switch
    {
        EventTypes.ModelRequest => "model request",
        EventTypes.ModelResponse => "model call",
        EventTypes.ToolCall => "tool call",
        EventTypes.ToolResult => "tool result",
        EventTypes.CommandOutput => "output",
        _ => type,
    };

    private static string ModelSummary(JsonElement data)
    {
        var model = Join(Text(data, "provider"), Text(data, "model"))?.Replace(" · ", "/", StringComparison.Ordinal);
        var cost = data.ValueKind == JsonValueKind.Object && data.TryGetProperty("costUsd", out var c) && c.ValueKind == JsonValueKind.Number
            && c.TryGetDecimal(out var usd) && usd >= 0m && !(data.TryGetProperty("costKnown", out var known) && known.ValueKind == JsonValueKind.False)
            ? CostText.Dollars(usd)
            : "cost " + CostText.Unknown;
        return Join(
            Text(data, "role"),
            model,
            $"{Display.Tokens(Number(data, "inputTokens") ?? 0)} in / {Display.Tokens(Number(data, "outputTokens") ?? 0)} out",
            cost,
            Number(data, "toolCalls") is { } n and > 0 ? $"{n} tool call{(n == 1 ? "" : "s")}" : null,
            Number(data, "durationMs") is { } ms ? Display.Duration(TimeSpan.FromMilliseconds(ms)) : null)!;
    }

    private static List<string> Lines(JsonElement data)
    {
        if (data.ValueKind == JsonValueKind.Object && data.TryGetProperty("lines", out var lines) && lines.ValueKind == JsonValueKind.Array)
        {
            return [.. lines.EnumerateArray().Select(l => l.ValueKind == JsonValueKind.String ? l.GetString() ?? "" : l.GetRawText())];
        }
        return Text(data, "text") is { } text ? [.. text.Split('\n')] : [];
    }

    private static string? Text(JsonElement data, string name) =>
        data.ValueKind == JsonValueKind.Object && data.TryGetProperty(name, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.String => value.GetString() is { Length: > 0 } s ? s : null,
                JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
                _ => null,
            }
            : null;

    private static long? Number(JsonElement data, string name) =>
        data.ValueKind == JsonValueKind.Object && data.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var n)
            ? n
            : null;

    private static bool Bool(JsonElement data, string name) =>
        data.ValueKind == JsonValueKind.Object && data.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;

    private static bool IsEmpty(JsonElement data) => data.ValueKind != JsonValueKind.Object || !data.EnumerateObject().Any();

    private static string? Join(params string?[] parts)
    {
        var present = parts.Where(p => !string.IsNullOrWhiteSpace(p)).ToList();
        return present.Count == 0 ? null : string.Join(" · ", present);
    }

    private static string Compact(JsonElement data) => data.ValueKind == JsonValueKind.Undefined ? "" : data.GetRawText();

    public static string? PrettyJson(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return null;
        }
        try
        {
            using var document = JsonDocument.Parse(json);
            return JsonSerializer.Serialize(document.RootElement, Pretty);
        }
        catch (JsonException)
        {
            return json;
        }
    }

    private static string Slug(string value)
    {
        var builder = new StringBuilder(value.Length);
        foreach (var c in value.Length > 80 ? value[..80] : value)
        {
            builder.Append(char.IsAsciiLetterOrDigit(c) ? c : '-');
        }
        return builder.Append('-').Append(((uint)StableHash(value)).ToString("x8", CultureInfo.InvariantCulture)).ToString();
    }

    private static int StableHash(string value)
    {
        var hash = 17;
        foreach (var c in value)
        {
            hash = unchecked((hash * 31) + c);
        }
        return hash;
    }
}
