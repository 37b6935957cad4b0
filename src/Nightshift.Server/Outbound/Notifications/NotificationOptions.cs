namespace Nightshift.Server.Outbound.Notifications;

/// <summary>
/// Configuration section <c>Notifications</c>: email over SMTP and chat messages to a Slack-compatible incoming webhook,
/// both delivered as outbound endpoints managed by the configuration (see docs/notifications.md).
/// </summary>
internal sealed class NotificationOptions
{
    public const string Section = "Notifications";

    /// <summary>The event types notified when a channel names none: how a task ended.</summary>
    public static readonly IReadOnlyList<string> DefaultEvents =
    [
        Core.Events.EventTypes.TaskSucceeded,
        Core.Events.EventTypes.TaskFailed,
        Core.Events.EventTypes.TaskNeedsReview,
        Core.Events.EventTypes.TaskDead,
        Core.Events.EventTypes.TaskTimedOut,
    ];

    /// <summary>Written as the only entry of an <c>Events</c> list: every event type.</summary>
    public const string AllEvents = "*";

    public EmailNotificationOptions Email { get; set; } = new();

    public SlackNotificationOptions Slack { get; set; } = new();

    /// <summary>The filter an endpoint is made with: the defaults when none are set, none (every event) for <c>*</c>.</summary>
    public static IReadOnlyList<string> EffectiveEvents(IReadOnlyList<string> configured) =>
        configured.Count == 0 ? DefaultEvents
        : configured.Any(e => e.Trim() == AllEvents) ? []
        : [.. configured.Select(e => e.Trim()).Distinct(StringComparer.Ordinal)];
}
