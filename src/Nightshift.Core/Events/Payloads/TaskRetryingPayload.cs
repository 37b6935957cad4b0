namespace Nightshift.Core.Events.Payloads;

/// <summary>Emitted by the store when an attempt failed in a way worth another try (or its lease expired) and attempts remain; the task is queued again after a backoff.</summary>
/// <param name="Reason">what went wrong in this attempt, in words for a person.</param>
/// <param name="Attempt">the attempt that failed.</param>
/// <param name="RunAfter">when the next attempt may start.</param>
public sealed record TaskRetryingPayload(
    string Reason,
    int Attempt,
    DateTimeOffset RunAfter);
