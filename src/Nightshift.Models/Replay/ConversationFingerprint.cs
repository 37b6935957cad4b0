using System.Text.Json;
using Microsoft.Extensions.AI;
using Nightshift.Models.Recording;

namespace Nightshift.Models.Replay;

/// <summary>
/// A comparable line per message (role and content, tool calls and results included). Both sides are redacted
/// the same way, because the cassette holds only the redacted text.
/// </summary>
internal static class ConversationFingerprint
{
    public static List<string> Of(IEnumerable<ChatMessage> messages, string? instructions)
    {
        var lines = new List<string>();
        if (!string.IsNullOrWhiteSpace(instructions))
        {
            lines.Add("instructions: " + Normalize(instructions));
        }
        lines.AddRange(messages.Select(Line));
        return lines;
    }

    private static string Line(ChatMessage message)
    {
        var parts = message.Contents.Select(Describe).Where(p => p.Length > 0);
        return $"{message.Role.Value}: {string.Join(" | ", parts)}";
    }

    private static string Describe(AIContent content) => content switch
    {
        TextContent text => Normalize(text.Text),
        FunctionCallContent call => $"call {call.Name}#{call.CallId}({Json(call.Arguments)})",
        FunctionResultContent result => $"result #{result.CallId}: {Normalize(Json(result.Result))}",
        DataContent data => $"data {data.MediaType} ({data.Data.Length} bytes)",
        UriContent uri => $"uri {uri.Uri}",
        _ => string.Empty,
    };

    private static string Json(object? value) => value switch
    {
        null => "null",
        JsonElement element => element.GetRawText(),
        _ => JsonSerializer.Serialize(value, CassetteJson.Options.GetTypeInfo(value.GetType())),
    };

    private static string Normalize(string text) =>
        SecretRedactor.Redact(string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)));
}
