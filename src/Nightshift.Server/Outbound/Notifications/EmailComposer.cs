using System.Net;
using System.Text;
using MimeKit;

namespace Nightshift.Server.Outbound.Notifications;

/// <summary>
/// Writes the mail for one notification: a one-line subject, a plain-text body and an HTML alternative in which every
/// piece of task text is encoded. The Message-ID is made from the delivery's id, so a retry is recognisably the same mail.
/// </summary>
internal static class EmailComposer
{
    public const int MaxSubjectLength = 200;
    public const string TaskHeader = "X-Nightshift-Task";
    public const string EventHeader = "X-Nightshift-Event";

    public static MimeMessage Compose(NotificationMessage notice, MailboxAddress from, IEnumerable<MailboxAddress> to, string deliveryId)
    {
        var message = new MimeMessage();
        message.From.Add(from);
        message.To.AddRange(to);
        message.Subject = Subject(notice);
        message.MessageId = $"{MessageIdPart(deliveryId)}@{MessageIdPart(DomainOf(from))}";
        message.Headers.Add(TaskHeader, NotificationText.OneLine(notice.TaskId, 100));
        message.Headers.Add(EventHeader, NotificationText.OneLine(notice.EventType, 64));
        // RFC 3834: keeps vacation responders and ticket systems from answering a robot.
        message.Headers.Add("Auto-Submitted", "auto-generated");
        var body = new BodyBuilder { TextBody = PlainBody(notice), HtmlBody = HtmlBody(notice) };
        message.Body = body.ToMessageBody();
        return message;
    }

    /// <summary><c>[Nightshift] succeeded: Fix the login page (acme/web)</c>, one line, at most <see cref="MaxSubjectLength"/> characters.</summary>
    public static string Subject(NotificationMessage notice)
    {
        var head = $"[Nightshift] {NotificationText.OneLine(notice.Status, 40)}: ";
        var tail = $" ({notice.RepoName})";
        var room = Math.Max(20, MaxSubjectLength - head.Length - tail.Length);
        return NotificationText.OneLine(head + NotificationText.OneLine(notice.Title, room) + tail, MaxSubjectLength);
    }

    public static string PlainBody(NotificationMessage notice)
    {
        var text = new StringBuilder();
        text.Append("Task ").Append(notice.Status).Append(": ").Append(notice.Title).Append("\n\n");
        foreach (var (label, value, _) in Facts(notice))
        {
            text.Append(label).Append(": ").Append(value).Append('\n');
        }
        if (notice.Reason is not null && notice.IsProblem)
        {
            text.Append("\nWhy:\n").Append(notice.Reason).Append('\n');
        }
        text.Append("\n-- \nSent by Nightshift. To change who gets these mails, edit Notifications:Email in the server's settings.\n");
        return text.ToString();
    }

    public static string HtmlBody(NotificationMessage notice)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html><body style=\"font-family:sans-serif\">");
        html.Append("<h2>Task ").Append(Encode(notice.Status)).Append(": ").Append(Encode(notice.Title)).Append("</h2>");
        html.Append("<table cellpadding=\"4\">");
        foreach (var (label, value, link) in Facts(notice))
        {
            html.Append("<tr><th align=\"left\">").Append(Encode(label)).Append("</th><td>");
            if (link is not null)
            {
                html.Append("<a href=\"").Append(Encode(link)).Append("\">").Append(Encode(value)).Append("</a>");
            }
            else
            {
                html.Append(Encode(value));
            }
            html.Append("</td></tr>");
        }
        html.Append("</table>");
        if (notice.Reason is not null && notice.IsProblem)
        {
            html.Append("<h3>Why</h3><p style=\"white-space:pre-wrap\">").Append(Encode(notice.Reason)).Append("</p>");
        }
        html.Append("<p style=\"color:#666\">Sent by Nightshift. To change who gets these mails, edit Notifications:Email in the server's settings.</p>");
        html.Append("</body></html>");
        return html.ToString();
    }

    private static IEnumerable<(string Label, string Value, string? Link)> Facts(NotificationMessage notice)
    {
        yield return ("Status", notice.Status, null);
        yield return ("Repository", notice.Repo, null);
        yield return ("Title", notice.Title, null);
        if (notice.Branch is not null)
        {
            yield return ("Branch", notice.Branch, null);
        }
        if (notice.PullRequestUrl is not null)
        {
            yield return ("Pull request", notice.PullRequestUrl, notice.PullRequestUrl);
        }
        yield return ("Task", notice.TaskUrl ?? notice.TaskId, notice.TaskUrl);
        if (notice.Timestamp is { } time)
        {
            yield return ("When", NotificationText.Time(time), null);
        }
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text);

    private static string DomainOf(MailboxAddress from) =>
        from.Address.LastIndexOf('@') is var at and >= 0 && at < from.Address.Length - 1 ? from.Address[(at + 1)..] : "nightshift.invalid";

    /// <summary>Only the characters a Message-ID's parts may carry without quoting.</summary>
    private static string MessageIdPart(string text)
    {
        var kept = new string([.. text.Where(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_')]).Trim('.');
        return kept.Length == 0 ? "nightshift" : kept[..Math.Min(kept.Length, 100)];
    }
}
