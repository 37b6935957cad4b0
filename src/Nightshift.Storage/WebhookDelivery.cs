namespace Nightshift.Storage;

/// <summary>One webhook delivery a forge sent, kept once its signature was verified.</summary>
/// <param name="Forge">the forge kind that sent it: github, gitlab, gitea.</param>
/// <param name="DeliveryId">the forge's id for the delivery (GitHub's <c>X-GitHub-Delivery</c>); a redelivery keeps it.</param>
/// <param name="Event">the forge's event name (<c>issues</c>, <c>ping</c>, …).</param>
/// <param name="Outcome">what Nightshift did with it: <c>queued</c> or <c>ignored</c>.</param>
/// <param name="TaskId">the task it queued, if any.</param>
public sealed record WebhookDelivery(string Forge, string DeliveryId, string Event, string Outcome, string? TaskId, DateTimeOffset ReceivedAt)
{
    public const int MaxForgeLength = 20;
    public const int MaxDeliveryIdLength = 100;
    public const int MaxEventLength = 100;
    public const int MaxOutcomeLength = 20;
}
