namespace Nightshift.Cli.Api;

/// <summary>One dispatched Server-Sent Events message.</summary>
internal sealed record SseMessage(string? Id, string Event, string Data);
