using System.Globalization;
using System.Text.Json;

namespace Nightshift.Forges.Rest;

/// <summary>Reads fields of a forge's JSON without trusting their types: a wrong type reads as missing.</summary>
internal static class ForgeJson
{
    public static string? String(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    public static long? Number(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value)
            && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number)
            ? number
            : null;

    public static JsonElement? Object(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object
            ? value
            : null;

    public static DateTimeOffset? Time(JsonElement element, string name) =>
        String(element, name) is { } text
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? time
            : null;

    public static IReadOnlyList<string> Strings(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array
            ? [.. value.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!)]
            : [];

    /// <summary>An absolute http(s) address, or null: a forge's link is shown to people and must not be anything else.</summary>
    public static string? WebUrl(JsonElement element, string name) =>
        String(element, name) is { } text
            && Uri.TryCreate(text, UriKind.Absolute, out var uri)
            && uri.Scheme is "https" or "http"
            && text.Length <= 2048
            ? uri.AbsoluteUri
            : null;
}
