namespace Nightshift.Core.Events.Payloads;

/// <summary>One attempt of a dead task and why it failed, in <c>task.dead</c>.</summary>
/// <param name="Attempt">the attempt's number.</param>
/// <param name="Reason">why it failed.</param>
public sealed record TaskAttemptReason(
    int Attempt,
    string Reason);
