namespace Nightshift.Server.Outbound.Api;

/// <summary>A signing secret as every read shows it: never its value.</summary>
/// <param name="Active">whether it still signs deliveries now.</param>
public sealed record SecretView(string Id, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, bool Active);
