using System.Text.Json;
using System.Text.RegularExpressions;

namespace Nightshift.Bench.Fleet.Workload;

/// <summary>
/// What one chat request to the fleet's model asks, read from its content only: the task marker (<c>[fleet ftNNNN]</c>
/// in the instruction), the subtask of a build (<c>Your subtask now is 'ID'</c>), whether it is the plan agent (offered
/// <c>submit_plan</c> without <c>edit_file</c>), whether a tool result came back yet, and whether it streams.
/// The body is not kept.
/// </summary>
internal sealed partial record FleetModelRequest(
    string? Marker,
    string? Subtask,
    bool Plan,
    bool Builds,
    bool HasToolResult,
    bool FixRound,
    bool Stream,
    bool IncludeUsage,
    string Model)
{
    private const string SubtaskLead = "Your subtask now is '";

    // The verify phase's fix round after a planned build starts with these words (Prompts.FixRound).
    private const string FixRoundLead = "Verification of the whole change follows";

    /// <summary>Reads a request body; a body that is not a JSON object reads as a request for nothing known.</summary>
    public static FleetModelRequest Read(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return Read(document.RootElement);
        }
        catch (JsonException)
        {
            return new FleetModelRequest(null, null, false, false, false, false, false, false, "unknown");
        }
    }

    private static FleetModelRequest Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return new FleetModelRequest(null, null, false, false, false, false, false, false, "unknown");
        }
        var tools = ToolNames(root);
        string? marker = null;
        string? subtask = null;
        var toolResult = false;
        var fixRound = false;
        if (root.TryGetProperty("messages", out var messages) && messages.ValueKind == JsonValueKind.Array)
        {
            foreach (var message in messages.EnumerateArray())
            {
                if (message.ValueKind != JsonValueKind.Object)
                {
                    continue;
                }
                var role = message.TryGetProperty("role", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
                if (role == "tool")
                {
                    toolResult = true;
                    continue;
                }
                if (role is not ("user" or "system" or "developer"))
                {
                    continue;
                }
                foreach (var text in Texts(message))
                {
                    marker ??= MarkerIn(text);
                    subtask ??= SubtaskIn(text);
                    fixRound |= text.Contains(FixRoundLead, StringComparison.Ordinal);
                }
            }
        }
        var stream = root.TryGetProperty("stream", out var s) && s.ValueKind == JsonValueKind.True;
        var usage = root.TryGetProperty("stream_options", out var options) && options.ValueKind == JsonValueKind.Object
            && options.TryGetProperty("include_usage", out var include) && include.ValueKind == JsonValueKind.True;
        var model = root.TryGetProperty("model", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() ?? "unknown" : "unknown";
        var plan = tools.Contains("submit_plan") && !tools.Contains("edit_file");
        return new FleetModelRequest(marker, plan ? null : subtask, plan, tools.Contains("write_file"), toolResult, fixRound, stream, usage, model);
    }

    /// <summary>The task marker in a text (<c>[fleet ft0007]</c> → <c>ft0007</c>), or null.</summary>
    public static string? MarkerIn(string text)
    {
        var match = MarkerPattern().Match(text);
        return match.Success ? match.Groups[1].Value : null;
    }

    private static string? SubtaskIn(string text)
    {
        var at = text.IndexOf(SubtaskLead, StringComparison.Ordinal);
        if (at < 0)
        {
            return null;
        }
        var start = at + SubtaskLead.Length;
        var end = text.IndexOf('\'', start);
        return end <= start ? null : text[start..end];
    }

    private static HashSet<string> ToolNames(JsonElement root)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        if (root.TryGetProperty("tools", out var tools) && tools.ValueKind == JsonValueKind.Array)
        {
            foreach (var tool in tools.EnumerateArray())
            {
                if (tool.ValueKind == JsonValueKind.Object
                    && tool.TryGetProperty("function", out var function) && function.ValueKind == JsonValueKind.Object
                    && function.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String)
                {
                    names.Add(name.GetString()!);
                }
            }
        }
        return names;
    }

    /// <summary>A message's text: its content as a string, or the text parts of a content array.</summary>
    private static IEnumerable<string> Texts(JsonElement message)
    {
        if (!message.TryGetProperty("content", out var content))
        {
            yield break;
        }
        if (content.ValueKind == JsonValueKind.String)
        {
            yield return content.GetString()!;
        }
        else if (content.ValueKind == JsonValueKind.Array)
        {
            foreach (var part in content.EnumerateArray())
            {
                if (part.ValueKind == JsonValueKind.Object && part.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String)
                {
                    yield return text.GetString()!;
                }
            }
        }
    }

    [GeneratedRegex(@"\[fleet (ft\d{4,})\]", RegexOptions.CultureInvariant)]
    private static partial Regex MarkerPattern();
}
