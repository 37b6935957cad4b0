namespace Nightshift.Storage;

/// <summary>
/// The webhook deliveries already acted on, durable across restarts and shared by every server of a fleet, so that the
/// same delivery sent twice (a forge's redelivery, a replay) acts once.
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

    /// <returns>the kept delivery, or null when none with this forge and id was kept.</returns>
    Task<WebhookDelivery?> FindDeliveryAsync(string forge, string deliveryId, CancellationToken cancellationToken = default);
}
