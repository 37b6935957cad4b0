using Nightshift.Storage;

namespace Nightshift.Server.Webhooks;

/// <summary>
/// Records each verified delivery once, with its trigger pending for the <see cref="TriggerProcessor"/>, and answers at
/// once: one store write, no forge call, no task work.
/// </summary>
internal sealed partial class WebhookIntake(INightshiftStore store, TriggerSignal signal, ILogger<WebhookIntake> logger) : IWebhookIntake
{
    public const string Accepted = "accepted";
    public const string Duplicate = "duplicate";
    public const string Ignored = "ignored";

    public async Task<WebhookReceipt> AcceptAsync(string forge, string deliveryId, string eventName, TriggerEvent? trigger, string? ignoredBecause, CancellationToken cancellationToken = default)
    {
        var record = new WebhookDelivery(forge, deliveryId, eventName, trigger is null ? Ignored : Accepted, null, DateTimeOffset.UnixEpoch, trigger is null ? ignoredBecause : null);
        var isNew = trigger is null
            ? await store.RecordDeliveryAsync(record, cancellationToken)
            : await store.RecordTriggerAsync(record, TriggerEventJson.Write(trigger), cancellationToken);
        if (!isNew)
        {
            var existing = await store.FindDeliveryAsync(forge, deliveryId, cancellationToken);
            LogDuplicate(logger, forge, deliveryId);
            return new WebhookReceipt(deliveryId, Duplicate, existing?.TaskId, "this delivery was already received; it acts once");
        }
        if (trigger is null)
        {
            LogIgnored(logger, forge, deliveryId, eventName, ignoredBecause ?? "");
            return new WebhookReceipt(deliveryId, Ignored, null, ignoredBecause);
        }
        signal.Pulse();
        LogAccepted(logger, forge, deliveryId, trigger.Kind, trigger.Thread.ToString());
        return new WebhookReceipt(deliveryId, Accepted, null, null);
    }

    [LoggerMessage(EventId = 3305, Level = LogLevel.Information, Message = "{Forge} delivery {Delivery} accepted: {Kind} on {Thread}, waiting for the trigger processor")]
    private static partial void LogAccepted(ILogger logger, string forge, string delivery, TriggerKind kind, string thread);

    [LoggerMessage(EventId = 3306, Level = LogLevel.Debug, Message = "{Forge} delivery {Delivery} ({Event}) ignored: {Reason}")]
    private static partial void LogIgnored(ILogger logger, string forge, string delivery, string @event, string reason);

    [LoggerMessage(EventId = 3307, Level = LogLevel.Information, Message = "{Forge} delivery {Delivery} was already received; nothing done")]
    private static partial void LogDuplicate(ILogger logger, string forge, string delivery);
}
