namespace Nightshift.Server.Outbound.Notifications;

/// <summary>Configuration section <c>Notifications:Slack</c>: a Slack-compatible incoming webhook.</summary>
internal sealed class SlackNotificationOptions
{
    /// <summary>The incoming webhook's address; a secret (the address carries the token). Unset: no chat messages.</summary>
    public string? Url { get; set; }

    /// <summary>Repositories (as tasks name them) whose tasks are told; empty: every repository.</summary>
    public List<string> Repositories { get; } = [];

    /// <summary>Event types told (exact, or a prefix with <c>.*</c>); empty: how tasks end; <c>*</c>: every event.</summary>
    public List<string> Events { get; } = [];
}
