using System.Globalization;
using System.Text;
using Nightshift.Core.Events;

namespace Nightshift.Server.Outbound.Notifications;

/// <summary>
/// Makes task text (written by whoever filed the task, so possibly hostile) safe to put in a mail header, a mail body or a
/// chat message: control and invisible formatting characters out, whitespace collapsed, length clipped.
/// </summary>
internal static class NotificationText
{
    public const int MaxTitleLength = 200;
    public const int MaxReasonLength = 1_000;
    public const int MaxRepoLength = 300;
    public const int MaxBranchLength = 250;
    public const int MaxUrlLength = 2_048;

    /// <summary>One line: every control or formatting character (line breaks, bidi overrides) becomes a space; runs of spaces become one.</summary>
    public static string OneLine(string? text, int maxLength)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }
        var builder = new StringBuilder(Math.Min(text.Length, maxLength + 1));
        var space = false;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c) || IsInvisible(c))
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
            if (builder.Length > maxLength + 1)
            {
                break;
            }
        }
        return Clip(builder.ToString(), maxLength);
    }

    /// <summary>Several lines: line breaks kept (at most a blank line between paragraphs), every other control character a space.</summary>
    public static string Lines(string? text, int maxLength)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n', '\r', '\u2028', '\u2029')
            .Select(line => OneLine(line, maxLength))
            .ToList();
        var kept = new List<string>();
        foreach (var line in lines)
        {
            if (line.Length == 0 && (kept.Count == 0 || kept[^1].Length == 0))
            {
                continue;
            }
            kept.Add(line);
        }
        return Clip(string.Join('\n', kept).TrimEnd(), maxLength);
    }

    /// <summary><paramref name="text"/> cut to <paramref name="maxLength"/> characters with an ellipsis, never in a surrogate pair.</summary>
    public static string Clip(string text, int maxLength)
    {
        if (text.Length <= maxLength)
        {
            return text;
        }
        var cut = maxLength - 1;
        if (cut > 0 && char.IsHighSurrogate(text[cut - 1]))
        {
            cut--;
        }
        return text[..cut] + "…";
    }

    /// <summary>The address as an absolute http(s) link, or null for anything else (<c>javascript:</c>, relative, malformed, too long).</summary>
    public static string? SafeUrl(string? text)
    {
        if (string.IsNullOrEmpty(text) || text.Length > MaxUrlLength || text.Any(c => char.IsControl(c) || char.IsWhiteSpace(c) || IsInvisible(c))
            || !Uri.TryCreate(text, UriKind.Absolute, out var url) || url.Scheme is not ("https" or "http")
            || !string.IsNullOrEmpty(url.UserInfo))
        {
            return null;
        }
        var absolute = url.AbsoluteUri;
        return absolute.Length > MaxUrlLength ? null : absolute;
    }

    /// <summary>How an event reads in a subject line: <c>succeeded</c>, <c>failed</c>, <c>needs review</c>…</summary>
    public static string StatusOf(string eventType) => eventType switch
    {
        EventTypes.TaskSucceeded => "succeeded",
        EventTypes.TaskFailed => "failed",
        EventTypes.TaskNeedsReview => "needs review",
        EventTypes.TaskTimedOut => "timed out",
        EventTypes.TaskDead => "gave up",
        EventTypes.TaskCancelled => "cancelled",
        EventTypes.TaskQueued => "queued",
        EventTypes.TaskStarted => "started",
        EventTypes.PrOpened => "pull request opened",
        _ => eventType,
    };

    /// <summary><c>owner/name</c> of a clone address (<c>https://host/owner/name.git</c>, <c>git@host:owner/name</c>); a path's last folder.</summary>
    public static string RepoName(string repo)
    {
        var text = repo.Trim().TrimEnd('/');
        if (text.EndsWith(".git", StringComparison.OrdinalIgnoreCase))
        {
            text = text[..^4];
        }
        string path;
        if (Uri.TryCreate(text, UriKind.Absolute, out var url) && url.Scheme is "https" or "http" or "ssh" or "git")
        {
            path = url.AbsolutePath.Trim('/');
        }
        else if (!text.StartsWith('/') && text.IndexOf(':', StringComparison.Ordinal) is var colon and > 0 && text.IndexOf('@', StringComparison.Ordinal) < colon)
        {
            path = text[(colon + 1)..].Trim('/');
        }
        else
        {
            return OneLine(Path.GetFileName(text) is { Length: > 0 } name ? name : text, 100);
        }
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var shown = parts.Length >= 2 ? $"{parts[^2]}/{parts[^1]}" : path;
        return OneLine(Uri.UnescapeDataString(shown), 100);
    }

    /// <summary>The event's time for people: <c>2026-12-05 10:39 UTC</c>.</summary>
    public static string Time(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    private static bool IsInvisible(char c) =>
        char.IsControl(c) || char.GetUnicodeCategory(c) is UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator;
}
