namespace Nightshift.Server.Webhooks.Reconciliation;

/// <summary>The intake, noting each real delivery's repository for reconciliation before handing it on.</summary>
internal sealed class ObservedWebhookIntake(IWebhookIntake inner, WebhookActivity activity, TimeProvider time) : IWebhookIntake
{
    public Task<WebhookReceipt> AcceptAsync(string forge, string deliveryId, string eventName, TriggerEvent? trigger, string? ignoredBecause, CancellationToken cancellationToken = default)
    {
        if (trigger is not null && !deliveryId.StartsWith(WebhookReconciler.DeliveryPrefix, StringComparison.Ordinal))
        {
            activity.Seen(forge, trigger.RepositoryUrl, time.GetUtcNow());
        }
        return inner.AcceptAsync(forge, deliveryId, eventName, trigger, ignoredBecause, cancellationToken);
    }
}
