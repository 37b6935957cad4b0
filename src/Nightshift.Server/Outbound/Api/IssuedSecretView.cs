namespace Nightshift.Server.Outbound.Api;

/// <summary>A secret just made, with its value: shown in this one answer and never again.</summary>
/// <param name="Value">the Standard Webhooks secret (<c>whsec_…</c>) a receiver verifies signatures with.</param>
public sealed record IssuedSecretView(string Id, string Value, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt);
