namespace Nightshift.Storage;

/// <summary>One webhook delivery a forge sent, kept once its signature was verified.</summary>
/// <param name="Forge">the forge kind that sent it: github, gitlab, gitea.</param>
/// <param name="DeliveryId">the forge's id for the delivery (GitHub's <c>X-GitHub-Delivery</c>); a redelivery keeps it.</param>
/// <param name="Event">the forge's event name (<c>issues</c>, <c>ping</c>, …).</param>
/// <param name="Outcome">
/// what Nightshift did with it: <c>ignored</c> (it asked for nothing), <c>accepted</c> (its trigger waits for the trigger
/// processor), then <c>queued</c> (a task was made), <c>refused</c>, <c>replied</c>, <c>forwarded</c>, <c>skipped</c> or
/// <c>failed</c>.
/// </param>
/// <param name="TaskId">the task it queued (or forwarded a message to), if any.</param>
/// <param name="Reason">why nothing ran, or why the trigger failed, in plain words; null otherwise.</param>
public sealed record WebhookDelivery(string Forge, string DeliveryId, string Event, string Outcome, string? TaskId, DateTimeOffset ReceivedAt, string? Reason = null)
{
    public const int MaxForgeLength = 20;
    public const int MaxDeliveryIdLength = 100;
    public const int MaxEventLength = 100;
    public const int MaxOutcomeLength = 20;
    public const int MaxReasonLength = 2_000;

    /// <summary>Longest trigger kept with a delivery, in characters of JSON.</summary>
    public const int MaxTriggerLength = 512 * 1024;
}
