namespace Nightshift.Server.Webhooks;

/// <summary>What every <c>POST /webhooks/{forge}</c> route answers (202) once a delivery is verified.</summary>
/// <param name="Delivery">the forge's delivery id.</param>
/// <param name="Status">
/// <c>accepted</c> (kept; the trigger processor acts on it in the background), <c>ignored</c> (it asks for nothing) or
/// <c>duplicate</c> (already received; it acts once).
/// </param>
/// <param name="TaskId">for a duplicate, the task the first receipt made, when it made one.</param>
/// <param name="Reason">why nothing is done, in plain words.</param>
internal sealed record WebhookReceipt(string Delivery, string Status, string? TaskId, string? Reason);
