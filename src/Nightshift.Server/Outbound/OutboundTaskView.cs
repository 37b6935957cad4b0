namespace Nightshift.Server.Outbound;

/// <summary>What a receiver needs to know of the task an event belongs to, without fetching it.</summary>
/// <param name="Title">the instruction's first line, clipped to 120 characters.</param>
/// <param name="Url">the task's page on the dashboard, when the server's public address is known; null otherwise.</param>
public sealed record OutboundTaskView(string Id, string Repo, string Status, string Title, string? Branch, string? PullRequestUrl, string? Url);
