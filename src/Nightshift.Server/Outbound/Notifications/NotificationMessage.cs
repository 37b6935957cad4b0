namespace Nightshift.Server.Outbound.Notifications;

/// <summary>
/// What a notification says, read from a delivery's payload (<see cref="OutboundPayload"/>) and already made safe:
/// one-line texts without control characters, clipped, and links only when they are absolute http(s) addresses.
/// </summary>
/// <param name="Status">how the event reads for a person: <c>succeeded</c>, <c>needs review</c>, or the event type for others.</param>
/// <param name="Reason">why a task did not succeed, from the event's data (several lines, clipped); null otherwise.</param>
internal sealed record NotificationMessage(
    string EventType,
    DateTimeOffset? Timestamp,
    string TaskId,
    string Repo,
    string Status,
    string Title,
    string? Branch,
    string? PullRequestUrl,
    string? TaskUrl,
    string? Reason)
{
    /// <summary>The repository as people say it: <c>owner/name</c> for a clone address, the folder name for a path.</summary>
    public string RepoName => NotificationText.RepoName(Repo);

    /// <summary>Whether the event tells that something went wrong (a reason is worth showing).</summary>
    public bool IsProblem => EventType is not (Core.Events.EventTypes.TaskSucceeded or Core.Events.EventTypes.TaskQueued or Core.Events.EventTypes.TaskStarted);
}
