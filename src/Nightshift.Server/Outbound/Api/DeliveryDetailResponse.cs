using System.Text.Json;

namespace Nightshift.Server.Outbound.Api;

/// <summary>One delivery with the body it sends and every attempt made, oldest first.</summary>
/// <param name="Payload">the JSON body sent to the receiver.</param>
public sealed record DeliveryDetailResponse(DeliveryView Delivery, JsonElement Payload, IReadOnlyList<AttemptView> Attempts);
