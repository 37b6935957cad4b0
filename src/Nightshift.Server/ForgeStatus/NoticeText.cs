using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Nightshift.Models.Recording;

namespace Nightshift.Server.ForgeStatus;

/// <summary>
/// What Nightshift writes on a forge, made safe: people's and agents' text is quoted as data (HTML escaped, mentions
/// and issue references defused, secrets and host paths removed, bounded), and every comment ends in the marker the
/// triggers skip, so Nightshift never answers itself.
/// </summary>
internal static partial class NoticeText
{
    /// <summary>Every comment Nightshift posts carries it; the trigger processor ignores comments that do.</summary>
    public const string Marker = "<!-- nightshift:notice -->";

    /// <summary>GitHub refuses comments over 65,536 characters; the others take more.</summary>
    public const int MaxCommentLength = 60_000;

    private const string KeyMarkerStart = "<!-- nightshift:notice-key ";

    private const char ZeroWidthSpace = '\u200B';

    /// <summary>What a path on the server is shown as: where a worktree or data folder is is nobody's business on the forge.</summary>
    private const string PathPlaceholder = "(path)";

    /// <summary>The hidden line that names one notice, so a notice posted just before a crash can be found again.</summary>
    public static string KeyMarker(string taskId, string key) => $"{KeyMarkerStart}{taskId}/{key} -->";

    /// <summary>The comment's body: <paramref name="markdown"/> (ours), bounded, then the markers.</summary>
    public static string Comment(string markdown, string taskId, string key)
    {
        var tail = $"\n\n{Marker}\n{KeyMarker(taskId, key)}";
        var body = markdown.Length + tail.Length <= MaxCommentLength
            ? markdown
            : markdown[..Cut(markdown, MaxCommentLength - tail.Length - 2)] + "\n…";
        return body + tail;
    }

    /// <summary>
    /// <paramref name="text"/> as a Markdown block quote that reads as what it is and does nothing: no HTML (comments
    /// and markers included), no @mention or #reference that would notify or link, no secrets or host paths, at most
    /// <paramref name="maxLength"/> characters.
    /// </summary>
    public static string Quote(string? text, int maxLength)
    {
        var safe = Inline(text, maxLength, keepLines: true);
        if (safe.Length == 0)
        {
            return "> (empty)";
        }
        return string.Join('\n', safe.Split('\n').Select(line => line.Length == 0 ? ">" : "> " + line));
    }

    /// <summary><paramref name="text"/> on one line, neutralised as <see cref="Quote"/> does, for inside a sentence.</summary>
    public static string Inline(string? text, int maxLength) => Inline(text, maxLength, keepLines: false);

    /// <summary>A value shown as code (an id, a branch, a path): one line, backticks removed, bounded.</summary>
    public static string Code(string? text, int maxLength = 200)
    {
        var clean = new string([.. (text ?? string.Empty).Where(c => !char.IsControl(c) && c != '`')]);
        clean = HostPath().Replace(SecretRedactor.Redact(clean), PathPlaceholder);
        if (clean.Length > maxLength)
        {
            clean = clean[..Cut(clean, maxLength)] + "…";
        }
        return clean.Length == 0 ? "` `" : $"`{clean}`";
    }

    /// <summary>A link to an http(s) address, or the value as code when it is not one.</summary>
    public static string Link(string? address, string label)
    {
        if (address is { Length: <= 2_000 } && Uri.TryCreate(address, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http"
            && string.IsNullOrEmpty(uri.UserInfo) && !address.Any(c => char.IsControl(c) || c is ' ' or '(' or ')' or '<' or '>' or '[' or ']' or '"'))
        {
            return $"[{label}]({uri.AbsoluteUri})";
        }
        return Code(address);
    }

    private static string Inline(string? text, int maxLength, bool keepLines)
    {
        var builder = new StringBuilder();
        foreach (var c in (text ?? string.Empty).Replace("\r\n", "\n", StringComparison.Ordinal))
        {
            if (c == '\n' && keepLines)
            {
                builder.Append('\n');
            }
            else if (char.IsControl(c) || c is '\u2028' or '\u2029')
            {
                builder.Append(' ');
            }
            else if (char.GetUnicodeCategory(c) == UnicodeCategory.Format && c != ZeroWidthSpace)
            {
                // Direction overrides and other invisible formatting could make text read as something it is not.
            }
            else
            {
                builder.Append(c);
            }
        }
        var clean = SecretRedactor.Redact(builder.ToString());
        clean = HostPath().Replace(clean, PathPlaceholder);
        clean = keepLines ? TooManyBlankLines().Replace(clean, "\n\n").Trim() : Spaces().Replace(clean, " ").Trim();
        if (clean.Length > maxLength)
        {
            clean = clean[..Cut(clean, maxLength)] + "…";
        }
        var escaped = new StringBuilder(clean.Length + 16);
        for (var i = 0; i < clean.Length; i++)
        {
            var c = clean[i];
            switch (c)
            {
                case '&':
                    escaped.Append("&amp;");
                    break;
                case '<':
                    escaped.Append("&lt;");
                    break;
                case '>':
                    escaped.Append("&gt;");
                    break;
                case '@' or '#' or '!' when i + 1 < clean.Length && (char.IsAsciiLetterOrDigit(clean[i + 1]) || clean[i + 1] is '-' or '_'):
                    // @user notifies, #12 / !12 links (and "fixes #12" closes) on the forges: a zero-width space defuses both.
                    escaped.Append(c).Append(ZeroWidthSpace);
                    break;
                case '`' or '*' or '_' or '[' or ']' or '|' or '\\':
                    // Markdown structure from text is shown as typed, never as formatting or links.
                    escaped.Append('\\').Append(c);
                    break;
                default:
                    escaped.Append(c);
                    break;
            }
        }
        return escaped.ToString();
    }

    /// <summary>Where to cut <paramref name="text"/> to at most <paramref name="length"/> characters without splitting a surrogate pair.</summary>
    private static int Cut(string text, int length)
    {
        length = Math.Max(0, Math.Min(length, text.Length));
        return length > 0 && length < text.Length && char.IsHighSurrogate(text[length - 1]) ? length - 1 : length;
    }

    /// <summary>An absolute path of the host (two segments or more) not inside a URL: worktrees, data folders, home folders.</summary>
    [GeneratedRegex(@"(?<![\w.:/~-])/(?:[\w.@+-]+/)+[\w.@+-]*")]
    private static partial Regex HostPath();

    [GeneratedRegex(@"\n{3,}")]
    private static partial Regex TooManyBlankLines();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
