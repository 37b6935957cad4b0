using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Nightshift.Forges.Rest;

/// <summary>What goes into a forge's text fields and what comes back out of its error answers, made safe and bounded.</summary>
internal static class ForgeText
{
    /// <summary>GitLab and Gitea both store titles of at most 255 characters.</summary>
    public const int MaxTitleLength = 255;

    /// <summary>GitLab refuses descriptions and notes longer than 1,000,000 characters; Gitea has no lower bound.</summary>
    public const int MaxBodyLength = 1_000_000;

    public const int MaxDetailLength = 300;

    public const string TruncatedMarker = "\n\n… (truncated by Nightshift: the full text was longer than the forge accepts)";

    private static readonly string[] DraftMarkers = ["draft:", "wip:", "[draft]", "[wip]", "(draft)", "draft -"];

    /// <summary>
    /// One line, no control characters, any draft marker removed, <paramref name="draftPrefix"/> put in front when given,
    /// at most <see cref="MaxTitleLength"/> characters (never cutting a character in half).
    /// </summary>
    public static string Title(string? title, string fallback, string? draftPrefix)
    {
        var line = OneLine(title);
        var stripped = true;
        while (stripped && line.Length > 0)
        {
            stripped = false;
            foreach (var marker in DraftMarkers)
            {
                if (line.StartsWith(marker, StringComparison.OrdinalIgnoreCase))
                {
                    line = line[marker.Length..].TrimStart();
                    stripped = true;
                }
            }
        }
        if (line.Length == 0)
        {
            line = fallback;
        }
        return Cut((draftPrefix ?? string.Empty) + line, MaxTitleLength, string.Empty);
    }

    /// <summary>Text for a description or comment: NUL removed (PostgreSQL-backed forges refuse it), bounded with a marker.</summary>
    public static string Body(string? body)
    {
        var text = (body ?? string.Empty).Replace("\0", string.Empty, StringComparison.Ordinal);
        return text.Length <= MaxBodyLength ? text : Cut(text, MaxBodyLength, TruncatedMarker);
    }

    /// <summary>Every occurrence of <paramref name="secret"/> replaced by "***".</summary>
    public static string Redact(string text, string? secret) =>
        string.IsNullOrEmpty(secret) ? text : text.Replace(secret, "***", StringComparison.Ordinal);

    /// <summary>
    /// The part of an error answer worth showing: the "message"/"error" of a JSON body, else the text itself; HTML is
    /// named as such instead of quoted; whitespace collapsed; at most <see cref="MaxDetailLength"/> characters.
    /// </summary>
    public static string Detail(string body, string? mediaType)
    {
        var trimmed = body.TrimStart();
        if (trimmed.Length == 0)
        {
            return string.Empty;
        }
        if (LooksLikeHtml(trimmed, mediaType))
        {
            return "an HTML page instead of a JSON answer";
        }
        var text = MessageFromJson(trimmed) ?? trimmed;
        return Cut(OneLine(text), MaxDetailLength, "…");
    }

    public static bool LooksLikeHtml(string text, string? mediaType) =>
        (mediaType?.Contains("html", StringComparison.OrdinalIgnoreCase) ?? false)
        || text.TrimStart().StartsWith('<');

    private static string? MessageFromJson(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 16 });
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }
            var parts = new List<string>();
            foreach (var name in new[] { "message", "error", "error_description", "errors" })
            {
                if (root.TryGetProperty(name, out var value) && Flatten(value) is { Length: > 0 } flat)
                {
                    parts.Add(flat);
                }
            }
            return parts.Count == 0 ? null : string.Join("; ", parts.Distinct(StringComparer.Ordinal));
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>GitLab's "message" is a string, a list, or an object of field → list of complaints.</summary>
    private static string Flatten(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString() ?? string.Empty,
        JsonValueKind.Array => string.Join("; ", value.EnumerateArray().Take(20).Select(Flatten).Where(s => s.Length > 0)),
        JsonValueKind.Object => string.Join("; ", value.EnumerateObject().Take(20).Select(p => $"{p.Name} {Flatten(p.Value)}".Trim())),
        JsonValueKind.Number => value.GetRawText(),
        _ => string.Empty,
    };

    private static string OneLine(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }
        var builder = new StringBuilder(Math.Min(text.Length, 4096));
        var space = false;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c) || c is '\u2028' or '\u2029')
            {
                space = builder.Length > 0;
                continue;
            }
            if (space)
            {
                builder.Append(' ');
                space = false;
            }
            builder.Append(c);
        }
        return builder.ToString();
    }

    /// <summary>At most <paramref name="max"/> characters including <paramref name="marker"/>, cut between text elements.</summary>
    private static string Cut(string text, int max, string marker)
    {
        if (text.Length <= max)
        {
            return text;
        }
        var room = Math.Max(0, max - marker.Length);
        var end = 0;
        var elements = StringInfo.GetTextElementEnumerator(text);
        while (elements.MoveNext())
        {
            var next = elements.ElementIndex + elements.GetTextElement().Length;
            if (next > room)
            {
                break;
            }
            end = next;
        }
        return text[..end] + marker;
    }
}
