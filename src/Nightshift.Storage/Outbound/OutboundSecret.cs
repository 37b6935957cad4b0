namespace Nightshift.Storage.Outbound;

/// <summary>
/// One signing secret of a webhook endpoint. Every secret not yet expired signs each delivery (rotation: add the new one,
/// let the old one expire once receivers have switched). <see cref="Value"/> is the Standard Webhooks form
/// (<c>whsec_</c> + base64 of the key bytes); the API shows it once, when it is made, and never again.
/// </summary>
/// <param name="Id">short public id of the secret (<c>sec_…</c>), for listing and removing it.</param>
/// <param name="ExpiresAt">when it stops signing; null while it has no end.</param>
public sealed record OutboundSecret(string Id, string Value, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt)
{
    public const int MaxValueLength = 1_024;

    /// <returns>whether it still signs at <paramref name="now"/>.</returns>
    public bool IsActiveAt(DateTimeOffset now) => ExpiresAt is null || ExpiresAt > now;
}
