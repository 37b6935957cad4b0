namespace Nightshift.Storage;

/// <summary>
/// The webhook deliveries already received, durable across restarts and shared by every server of a fleet, so that the
/// same delivery sent twice (a forge's redelivery, a replay) acts once; and the triggers they carry, a small durable
/// queue the trigger processors of a fleet share with leases.
/// </summary>
public interface IWebhookDeliveryStore
{
    /// <summary>
    /// Keeps <paramref name="delivery"/> unless a delivery with the same forge and id is already kept.
    /// <see cref="WebhookDelivery.ReceivedAt"/> is the store's clock, whatever the record says.
    /// </summary>
    /// <returns>true when it was new; false when that delivery was already kept (nothing is changed).</returns>
    /// <exception cref="Core.Errors.ValidationException">a field is missing or too long.</exception>
    Task<bool> RecordDeliveryAsync(WebhookDelivery delivery, CancellationToken cancellationToken = default);

    /// <summary>
    /// Keeps <paramref name="delivery"/> (as <see cref="RecordDeliveryAsync"/> does) with the trigger it carries, pending
    /// for a trigger processor to claim at once.
    /// </summary>
    /// <returns>true when it was new; false when that delivery was already kept (nothing is changed).</returns>
    /// <exception cref="Core.Errors.ValidationException">a field is missing or too long, or the trigger is empty or over <see cref="WebhookDelivery.MaxTriggerLength"/>.</exception>
    Task<bool> RecordTriggerAsync(WebhookDelivery delivery, string triggerJson, CancellationToken cancellationToken = default);

    /// <returns>the kept delivery, or null when none with this forge and id was kept.</returns>
    Task<WebhookDelivery?> FindDeliveryAsync(string forge, string deliveryId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Claims the oldest pending trigger whose retry time has come and which no live lease holds, for
    /// <paramref name="lease"/>, counting an attempt. Two processors never hold one trigger at once.
    /// </summary>
    /// <returns>the claim, or null when nothing is due.</returns>
    Task<PendingTrigger?> ClaimTriggerAsync(string owner, TimeSpan lease, CancellationToken cancellationToken = default);

    /// <summary>Ends a claimed trigger with what was done (<see cref="WebhookDelivery.Outcome"/>), the task and the reason.</summary>
    /// <returns>false when the claim no longer holds (its lease passed and another processor took it); nothing is changed then.</returns>
    Task<bool> FinishTriggerAsync(PendingTrigger claim, string outcome, string? taskId, string? reason, CancellationToken cancellationToken = default);

    /// <summary>
    /// Gives a claimed trigger back: pending again from <paramref name="retryAt"/> on, or, when it is null, failed for good
    /// (outcome <c>failed</c>). The reason is kept either way.
    /// </summary>
    /// <returns>false when the claim no longer holds; nothing is changed then.</returns>
    Task<bool> ReleaseTriggerAsync(PendingTrigger claim, DateTimeOffset? retryAt, string reason, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reserves the right to post the notice <paramref name="key"/> (a refusal to one actor on one thread, say): true when
    /// it was not posted within <paramref name="window"/> (and it now counts as posted), false otherwise. Atomic across a fleet.
    /// </summary>
    Task<bool> TryReserveNoticeAsync(string key, TimeSpan window, CancellationToken cancellationToken = default);
}
