using System.Collections.Concurrent;
using Nightshift.Server.Webhooks;

namespace Nightshift.Server.Tests.Webhooks;

/// <summary>
/// An intake that keeps what it is handed, once per delivery id, so the route can be tested before (and apart from) the
/// durable one: a trigger gets a made-up task id, an ignored delivery none.
/// </summary>
internal sealed class RecordingWebhookIntake : IWebhookIntake
{
    public ConcurrentDictionary<string, Accepted> Deliveries { get; } = new(StringComparer.Ordinal);

    public Task<WebhookReceipt> AcceptAsync(string forge, string deliveryId, string eventName, TriggerEvent? trigger, string? ignoredBecause, CancellationToken cancellationToken = default)
    {
        if (!Deliveries.TryAdd(deliveryId, new Accepted(forge, eventName, trigger, ignoredBecause)))
        {
            return Task.FromResult(new WebhookReceipt(deliveryId, "duplicate", null, "this delivery was already received"));
        }
        return Task.FromResult(trigger is null
            ? new WebhookReceipt(deliveryId, "ignored", null, ignoredBecause)
            : new WebhookReceipt(deliveryId, "queued", "task-" + deliveryId, null));
    }

    internal sealed record Accepted(string Forge, string EventName, TriggerEvent? Trigger, string? IgnoredBecause);
}
