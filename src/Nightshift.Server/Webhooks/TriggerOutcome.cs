namespace Nightshift.Server.Webhooks;

/// <summary>What the trigger processor did with one delivery, kept on the delivery's record.</summary>
/// <param name="Outcome">queued, forwarded, refused, replied or skipped.</param>
/// <param name="TaskId">the task made (or written to), if any.</param>
/// <param name="Reason">why nothing ran, in plain words.</param>
internal sealed record TriggerOutcome(string Outcome, string? TaskId, string? Reason)
{
    public static TriggerOutcome Queued(string taskId) => new("queued", taskId, null);

    public static TriggerOutcome Skipped(string reason) => new("skipped", null, reason);

    public static TriggerOutcome Refused(string reason) => new("refused", null, reason);

    public static TriggerOutcome Replied(string reason) => new("replied", null, reason);
}
