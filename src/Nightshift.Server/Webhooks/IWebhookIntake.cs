namespace Nightshift.Server.Webhooks;

/// <summary>
/// Where every forge's verified, parsed delivery goes: it is recorded durably under its delivery id (the same id twice
/// acts once) and acted on by the trigger processor, never inline, so the forge gets its answer within a second.
/// </summary>
internal interface IWebhookIntake
{
    /// <param name="forge">github, gitlab or gitea.</param>
    /// <param name="deliveryId">the forge's id of the delivery, already checked for shape.</param>
    /// <param name="eventName">the forge's event name, for the record.</param>
    /// <param name="trigger">what the delivery asks for, or null when it asks for nothing.</param>
    /// <param name="ignoredBecause">why nothing is done, when <paramref name="trigger"/> is null.</param>
    Task<WebhookReceipt> AcceptAsync(string forge, string deliveryId, string eventName, TriggerEvent? trigger, string? ignoredBecause, CancellationToken cancellationToken = default);
}
