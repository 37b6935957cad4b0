namespace Nightshift.Storage;

/// <summary>
/// A delivery's trigger claimed by one trigger processor: it alone may finish or retry it while
/// <see cref="LeaseToken"/> holds (until the lease passes, when another processor may claim it again).
/// </summary>
/// <param name="TriggerJson">the parsed trigger as the intake kept it.</param>
/// <param name="Attempts">claims so far, this one included.</param>
public sealed record PendingTrigger(string Forge, string DeliveryId, string Event, string TriggerJson, int Attempts, string LeaseToken, DateTimeOffset ReceivedAt);
