using Nightshift.Storage.Outbound;

namespace Nightshift.Server.Outbound.Notifications;

/// <summary>The outbound endpoints the <c>Notifications</c> section declares, with the stable ids the store keeps them under.</summary>
internal static class ConfiguredEndpoints
{
    public const string SlackId = "slack";
    public const string EmailIdPrefix = "email-";

    /// <summary>Incoming webhooks of Slack and its look-alikes take about one message a second.</summary>
    public const int SlackMaxPerMinute = 60;

    /// <summary>The id of the email endpoint made from the recipient list named <paramref name="label"/>.</summary>
    public static string EmailId(string label) => EmailIdPrefix + label.ToLowerInvariant();

    public static IReadOnlyList<NewOutboundEndpoint> From(NotificationOptions options)
    {
        var endpoints = new List<NewOutboundEndpoint>();
        var email = options.Email;
        if (!string.IsNullOrEmpty(email.Host))
        {
            var events = NotificationOptions.EffectiveEvents(email.Events);
            foreach (var (label, list) in email.Recipients.OrderBy(r => r.Key, StringComparer.OrdinalIgnoreCase))
            {
                var repository = list.Repository!.Trim();
                var addresses = list.Addresses.Select(a => a.Trim()).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
                endpoints.Add(new NewOutboundEndpoint(
                    OutboundChannel.Email,
                    Url: null,
                    Recipients: addresses,
                    Description: $"Email from Notifications:Email:Recipients:{label} ({(repository == EmailRecipientsOptions.AllRepositories ? "every repository" : repository)})",
                    EventTypes: events,
                    Repositories: repository == EmailRecipientsOptions.AllRepositories ? [] : [repository],
                    Secret: null,
                    ManagedBy: OutboundEndpoint.ManagedByConfig,
                    Id: EmailId(label)));
            }
        }
        var slack = options.Slack;
        if (!string.IsNullOrEmpty(slack.Url))
        {
            endpoints.Add(new NewOutboundEndpoint(
                OutboundChannel.Slack,
                Url: slack.Url,
                Recipients: [],
                Description: "Chat messages from Notifications:Slack",
                EventTypes: NotificationOptions.EffectiveEvents(slack.Events),
                Repositories: [.. slack.Repositories.Select(r => r.Trim()).Distinct(StringComparer.Ordinal)],
                Secret: null,
                MaxPerMinute: SlackMaxPerMinute,
                ManagedBy: OutboundEndpoint.ManagedByConfig,
                Id: SlackId));
        }
        return endpoints;
    }
}
