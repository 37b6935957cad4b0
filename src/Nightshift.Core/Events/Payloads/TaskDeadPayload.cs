namespace Nightshift.Core.Events.Payloads;

/// <summary>Emitted by the store when the last allowed attempt failed too: the task is dead (the dead letter).</summary>
/// <param name="Reason"><c>gave up after N of N attempts; attempt 1: …</c>, every attempt's reason in one line.</param>
/// <param name="Attempt">the last attempt.</param>
/// <param name="Attempts">every attempt of this round and why it failed, oldest first.</param>
public sealed record TaskDeadPayload(
    string Reason,
    int Attempt,
    IReadOnlyList<TaskAttemptReason> Attempts);
