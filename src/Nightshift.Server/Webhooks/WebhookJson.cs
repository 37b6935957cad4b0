using System.Text.Json;

namespace Nightshift.Server.Webhooks;

/// <summary>
/// What every forge's delivery parser reads the same way: text fields, one-line titles and clipping. Each parser keeps
/// its own refusals, since they name the forge whose documented shape was not met.
/// </summary>
internal static class WebhookJson
{
    /// <returns>the property's string value, or null when <paramref name="parent"/> is not an object or the property is missing or not a string.</returns>
    public static string? Text(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>Control characters (line breaks included) become spaces, and the ends are trimmed.</summary>
    public static string OneLine(string text) => new string([.. text.Select(c => char.IsControl(c) ? ' ' : c)]).Trim();

    /// <summary>
    /// At most <paramref name="max"/> characters, the marker included when cut; NUL characters become U+FFFD, and a cut
    /// never leaves half of a surrogate pair.
    /// </summary>
    public static string Clip(string text, int max, string marker = "…")
    {
        text = text.Replace('\0', '\uFFFD');
        if (text.Length <= max)
        {
            return text;
        }
        var cut = Math.Max(0, max - marker.Length);
        if (cut > 0 && char.IsHighSurrogate(text[cut - 1]))
        {
            cut--;
        }
        return text[..cut] + marker;
    }
}
