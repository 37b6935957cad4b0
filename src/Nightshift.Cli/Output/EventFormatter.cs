using System.Globalization;
using System.Text.Json;
using Nightshift.Cli.Api;

namespace Nightshift.Cli.Output;

/// <summary>One short line per event: time, type and the payload's most telling field.</summary>
internal static class EventFormatter
{
    private const int MaxSummaryChars = 160;

    // Payload fields that say the most, in the order they are worth showing.
    private static readonly string[] TellingFields =
    [
        "reason", "message", "error", "summary", "phase", "tool", "command", "title", "branch", "pullRequest", "url", "text", "output", "line", "name",
    ];

    public static string Line(ApiEvent e, TimeZoneInfo zone)
    {
        var time = TimeZoneInfo.ConvertTime(e.Time, zone).ToString("HH:mm:ss", CultureInfo.InvariantCulture);
        var summary = Summary(e);
        var type = SafeText.Clean(e.Type, 64);
        return summary.Length == 0 ? $"{time}  {type}" : $"{time}  {type,-22}  {summary}";
    }

    public static string Summary(ApiEvent e)
    {
        var data = e.Data;
        if (data.ValueKind != JsonValueKind.Object)
        {
            return "";
        }
        if (e.Type == "model.response" && TryTokens(data, out var tokens))
        {
            return tokens;
        }
        if (Special(e.Type, data) is { Length: > 0 } special)
        {
            return SafeText.Clean(special, MaxSummaryChars);
        }
        foreach (var field in TellingFields)
        {
            if (data.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String)
            {
                var text = SafeText.Clean(value.GetString(), MaxSummaryChars);
                if (text.Length > 0)
                {
                    return text;
                }
            }
        }
        var raw = data.GetRawText();
        return raw == "{}" ? "" : SafeText.Clean(raw, MaxSummaryChars);
    }

    // Events whose most telling field alone would read the same every time.
    private static string? Special(string type, JsonElement data)
    {
        string Field(string name) => data.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() ?? "" : "";
        switch (type)
        {
            case "command.output":
                if (data.TryGetProperty("lines", out var lines) && lines.ValueKind == JsonValueKind.Array && lines.GetArrayLength() > 0)
                {
                    var last = lines[lines.GetArrayLength() - 1].GetString() ?? "";
                    var more = lines.GetArrayLength() > 1 ? $" (+{lines.GetArrayLength() - 1} lines)" : "";
                    return $"{Field("command")} │ {last.Trim()}{more}";
                }
                return null;
            case "tool.call":
                return $"{Field("tool")} {Field("arguments")}";
            case "tool.result":
                var first = Field("content").Split('\n', 2)[0];
                return data.TryGetProperty("isError", out var error) && error.ValueKind == JsonValueKind.True
                    ? $"{Field("tool")} ✗ {first}"
                    : $"{Field("tool")} → {first}";
            default:
                return null;
        }
    }

    private static bool TryTokens(JsonElement data, out string text)
    {
        long Number(string name) => data.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) ? n : 0;
        var input = Number("inputTokens");
        var output = Number("outputTokens");
        if (input == 0 && output == 0)
        {
            text = "";
            return false;
        }
        var cost = data.TryGetProperty("costUsd", out var c) && c.ValueKind == JsonValueKind.Number ? " · $" + c.GetDecimal().ToString("0.####", CultureInfo.InvariantCulture) : "";
        text = string.Create(CultureInfo.InvariantCulture, $"{input:N0} in / {output:N0} out{cost}");
        return true;
    }
}
