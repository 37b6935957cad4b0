using System.Text;
using System.Text.Json;

namespace Nightshift.Server.Outbound.Notifications;

/// <summary>
/// Writes the chat message for one notification: <c>{"text", "blocks"}</c> in Slack's mrkdwn. Every piece of task text
/// has <c>&amp;</c>, <c>&lt;</c> and <c>&gt;</c> escaped, so a title cannot carry <c>&lt;!channel&gt;</c>, a user mention
/// or a disguised link; an <c>@</c> before a word gets an invisible joiner, so chats that read plain <c>@here</c> do not ping.
/// </summary>
internal static class SlackComposer
{
    /// <summary>Slack's limit for one section block's text.</summary>
    public const int MaxSectionLength = 3_000;

    public static string Body(NotificationMessage notice)
    {
        var text = Text(notice);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("text", text);
            json.WriteStartArray("blocks");
            json.WriteStartObject();
            json.WriteString("type", "section");
            json.WriteStartObject("text");
            json.WriteString("type", "mrkdwn");
            json.WriteString("text", NotificationText.Clip(text, MaxSectionLength));
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndArray();
            // Links in task text are not fetched for previews.
            json.WriteBoolean("unfurl_links", false);
            json.WriteBoolean("unfurl_media", false);
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    public static string Text(NotificationMessage notice)
    {
        var text = new StringBuilder();
        text.Append("*Nightshift: task ").Append(Escape(notice.Status)).Append("*: ").Append(Escape(notice.Title))
            .Append(" (").Append(Escape(notice.RepoName)).Append(")\n");
        text.Append("Repository: ").Append(Escape(notice.Repo)).Append('\n');
        if (notice.Branch is not null)
        {
            text.Append("Branch: ").Append(Escape(notice.Branch)).Append('\n');
        }
        if (notice.PullRequestUrl is not null)
        {
            text.Append("Pull request: ").Append(Link(notice.PullRequestUrl, notice.PullRequestUrl)).Append('\n');
        }
        text.Append("Task: ").Append(notice.TaskUrl is not null ? Link(notice.TaskUrl, notice.TaskId) : Escape(notice.TaskId)).Append('\n');
        if (notice.Reason is not null && notice.IsProblem)
        {
            text.Append("Why: ").Append(Escape(notice.Reason)).Append('\n');
        }
        return text.ToString().TrimEnd('\n');
    }

    /// <summary>Task text as plain text in mrkdwn: the three characters Slack gives meaning to become entities.</summary>
    public static string Escape(string text)
    {
        var escaped = new StringBuilder(text.Length + 16);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
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
                case '@' when i + 1 < text.Length && char.IsLetterOrDigit(text[i + 1]):
                    escaped.Append('@').Append('\u2060');
                    break;
                default:
                    escaped.Append(c);
                    break;
            }
        }
        return escaped.ToString();
    }

    /// <summary><c>&lt;url|label&gt;</c> with the address already checked absolute http(s); a <c>|</c> in it is percent-encoded.</summary>
    private static string Link(string url, string label) =>
        $"<{Escape(url).Replace("|", "%7C", StringComparison.Ordinal).Replace("\u2060", "", StringComparison.Ordinal)}|{Escape(label).Replace("|", "¦", StringComparison.Ordinal)}>";
}
