namespace Nightshift.Server.Webhooks;

/// <summary>What <c>POST /webhooks/github</c> answers (202) once a delivery is verified.</summary>
/// <param name="Delivery">the forge's delivery id.</param>
/// <param name="Status"><c>queued</c> (a task was made), <c>ignored</c> (no trigger matched) or <c>duplicate</c> (already received).</param>
/// <param name="TaskId">the task queued, when one was.</param>
/// <param name="Reason">why nothing was queued, in plain words.</param>
internal sealed record WebhookReceipt(string Delivery, string Status, string? TaskId, string? Reason);
