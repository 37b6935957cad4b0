namespace Nightshift.Storage.Outbound;

/// <summary>A task's outbox cursor as claimed: the last event of its log already turned into deliveries.</summary>
public sealed record OutboxCursor(string TaskId, long LastSequence);
