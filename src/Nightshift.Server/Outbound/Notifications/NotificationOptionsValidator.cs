using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using MimeKit;
using Nightshift.Core.Configuration;
using Nightshift.Core.Events;
using Nightshift.Storage.Outbound;

namespace Nightshift.Server.Outbound.Notifications;

/// <summary>
/// Checks the <c>Notifications</c> section when the host starts. Messages name the setting and never repeat a secret
/// (the SMTP password, the chat webhook's address).
/// </summary>
internal sealed partial class NotificationOptionsValidator : IValidateOptions<NotificationOptions>
{
    public const int MaxRecipientLists = 100;
    public const int MaxLabelLength = 40;

    public ValidateOptionsResult Validate(string? name, NotificationOptions options)
    {
        var checks = new SettingChecks();
        ValidateEmail(checks, options.Email ?? new EmailNotificationOptions());
        ValidateSlack(checks, options.Slack ?? new SlackNotificationOptions());
        return checks.Failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(checks.Failures);
    }

    private static void ValidateEmail(SettingChecks checks, EmailNotificationOptions email)
    {
        const string prefix = "Notifications:Email:";
        var hostSet = !string.IsNullOrEmpty(email.Host);
        checks.PlainText(prefix + "Host", email.Host, 253)
            .Range(prefix + "Port", email.Port, 1, 65_535)
            .PlainText(prefix + "Username", email.Username, 254)
            .PlainText(prefix + "Password", email.Password, 1_000)
            .Range(prefix + "Timeout", email.Timeout, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5));
        if (hostSet && (email.Host!.Any(char.IsWhiteSpace) || Uri.CheckHostName(email.Host!.Trim('[', ']')) == UriHostNameType.Unknown))
        {
            checks.Fail(prefix + "Host", $"is '{Shown(email.Host)}', which is not a host name or an IP address; give the SMTP server's name, for example smtp.example.com");
        }
        if (email.SecurityMode is not (EmailNotificationOptions.StartTls or EmailNotificationOptions.Tls or EmailNotificationOptions.None))
        {
            checks.Fail(prefix + "Security", $"is '{Shown(email.Security)}'; give starttls (the default), tls or none");
        }
        else if (hostSet && email.SecurityMode == EmailNotificationOptions.None && !email.AllowPlaintext && !IsLoopback(email.Host!))
        {
            checks.Fail(prefix + "Security",
                $"is none, which would send mail (and any password) unencrypted to {Shown(email.Host)}; use starttls or tls, "
                + "or set Notifications:Email:AllowPlaintext to true if the network to that server is trusted");
        }
        if (string.IsNullOrEmpty(email.Username) != string.IsNullOrEmpty(email.Password))
        {
            checks.Fail(string.IsNullOrEmpty(email.Username) ? prefix + "Username" : prefix + "Password",
                "is not set while the other half of the SMTP login is; set both Notifications:Email:Username and Notifications:Email:Password, or neither");
        }
        if (!string.IsNullOrEmpty(email.From) && !IsMailbox(email.From, allowName: true))
        {
            checks.Fail(prefix + "From", $"is '{Shown(email.From)}', which is not one email address; give one such as Nightshift <nightshift@example.com>");
        }
        if (email.Recipients.Count > 0)
        {
            if (!hostSet)
            {
                checks.Fail(prefix + "Host", "is not set while Notifications:Email:Recipients is; give the SMTP server's host name, or remove the recipients");
            }
            if (string.IsNullOrEmpty(email.From))
            {
                checks.Fail(prefix + "From", "is not set while Notifications:Email:Recipients is; give the sender, for example Nightshift <nightshift@example.com>");
            }
        }
        if (email.Recipients.Count > MaxRecipientLists)
        {
            checks.Fail(prefix + "Recipients", $"has {email.Recipients.Count} lists; give at most {MaxRecipientLists}");
        }
        foreach (var (label, list) in email.Recipients)
        {
            var setting = $"{prefix}Recipients:{Shown(label)}";
            if (!IsLabel(label))
            {
                checks.Fail(setting, $"has a name that is not 1 to {MaxLabelLength} letters, digits or '-'; name each list like api-team (it becomes the endpoint id email-<name>)");
            }
            if (list is null)
            {
                checks.Fail(setting, "is empty; give Repository and Addresses");
                continue;
            }
            if (string.IsNullOrWhiteSpace(list.Repository))
            {
                checks.Fail(setting + ":Repository", "is not set; give a repository as tasks name it (its clone address or path), or * for every repository");
            }
            else
            {
                checks.PlainText(setting + ":Repository", list.Repository, OutboundEndpoint.MaxFilterLength);
            }
            if (list.Addresses.Count is 0 or > OutboundEndpoint.MaxRecipients)
            {
                checks.Fail(setting + ":Addresses", $"has {list.Addresses.Count} addresses; give 1 to {OutboundEndpoint.MaxRecipients}");
            }
            foreach (var address in list.Addresses)
            {
                if (!IsMailbox(address, allowName: false))
                {
                    checks.Fail(setting + ":Addresses", $"has '{Shown(address)}', which is not one plain email address; give each as name@example.com");
                }
            }
        }
        ValidateEvents(checks, prefix + "Events", email.Events);
    }

    private static void ValidateSlack(SettingChecks checks, SlackNotificationOptions slack)
    {
        const string prefix = "Notifications:Slack:";
        if (!string.IsNullOrEmpty(slack.Url))
        {
            // The address carries the webhook's token: no message repeats it.
            if (slack.Url.Length > OutboundEndpoint.MaxUrlLength || slack.Url.Any(char.IsControl) || slack.Url.Any(char.IsWhiteSpace)
                || !Uri.TryCreate(slack.Url, UriKind.Absolute, out var url)
                || !(url.Scheme == Uri.UriSchemeHttps || (url.Scheme == Uri.UriSchemeHttp && IsLoopback(url.IdnHost)))
                || !string.IsNullOrEmpty(url.UserInfo) || !string.IsNullOrEmpty(url.Fragment))
            {
                checks.Fail(prefix + "Url",
                    $"is not an https address without user name or fragment of at most {OutboundEndpoint.MaxUrlLength} characters (http only to this machine); "
                    + "copy the incoming webhook's address from the chat's settings (the value is not repeated here: it is a secret)");
            }
        }
        else if (slack.Repositories.Count > 0 || slack.Events.Count > 0)
        {
            checks.Fail(prefix + "Url", "is not set while Notifications:Slack:Repositories or Events is; give the incoming webhook's address, or remove them");
        }
        if (slack.Repositories.Count > OutboundEndpoint.MaxFilters)
        {
            checks.Fail(prefix + "Repositories", $"has {slack.Repositories.Count} entries; give at most {OutboundEndpoint.MaxFilters}");
        }
        foreach (var repository in slack.Repositories)
        {
            checks.PlainText(prefix + "Repositories", repository, OutboundEndpoint.MaxFilterLength, required: true);
        }
        ValidateEvents(checks, prefix + "Events", slack.Events);
    }

    private static void ValidateEvents(SettingChecks checks, string setting, IReadOnlyList<string> events)
    {
        if (events.Count > OutboundEndpoint.MaxFilters)
        {
            checks.Fail(setting, $"has {events.Count} entries; give at most {OutboundEndpoint.MaxFilters}");
        }
        foreach (var type in events)
        {
            var trimmed = type?.Trim() ?? "";
            if (trimmed != NotificationOptions.AllEvents && !(StoreFilter().IsMatch(trimmed) && (EventTypes.IsWellFormed(trimmed) || IsPrefixFilter(trimmed))))
            {
                checks.Fail(setting, $"has '{Shown(type)}', which is not an event type; give names such as task.failed, a prefix such as task.*, or * alone for every event");
            }
        }
    }

    /// <summary>The shape the store accepts for an event filter (no digits).</summary>
    [GeneratedRegex(@"^[a-z_]+(\.[a-z_]+)*(\.\*)?\z")]
    private static partial Regex StoreFilter();

    private static bool IsPrefixFilter(string filter) =>
        filter.Length is > 2 and <= OutboundEndpoint.MaxFilterLength && filter.EndsWith(".*", StringComparison.Ordinal)
        && filter[..^2].All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_');

    internal static bool IsLabel(string label) =>
        label.Length is > 0 and <= MaxLabelLength && label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-');

    /// <summary>One address, optionally with a display name; no lists, groups, routes or control characters.</summary>
    internal static bool IsMailbox(string? text, bool allowName)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Length > (allowName ? 320 : OutboundEndpoint.MaxRecipientLength) || text.Any(char.IsControl)
            || (!allowName && text.Trim().Any(c => char.IsWhiteSpace(c) || c is '<' or '>' or ',' or ';' or '"')))
        {
            return false;
        }
        if (!MailboxAddress.TryParse(ParserOptions.Default, text.Trim(), out var mailbox) || mailbox.Route.Count > 0)
        {
            return false;
        }
        var address = mailbox.Address;
        if (address.Count(c => c == '@') != 1 || address.StartsWith('@') || address.EndsWith('@') || address.Any(char.IsWhiteSpace))
        {
            return false;
        }
        return allowName || (string.IsNullOrEmpty(mailbox.Name) && address == text.Trim());
    }

    internal static bool IsLoopback(string host)
    {
        var bare = host.Trim().Trim('[', ']');
        return bare.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(bare, out var address) && IPAddress.IsLoopback(address));
    }

    private static string Shown(string? value)
    {
        var clean = new string((value ?? "").Select(c => char.IsControl(c) ? '?' : c).ToArray());
        return clean.Length > 80 ? clean[..80] + "…" : clean;
    }
}
