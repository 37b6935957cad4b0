namespace Nightshift.Storage.Teams;

/// <summary>
/// An API token as stored: never the token itself, only its SHA-256. The token is shown once, when created.
/// </summary>
/// <param name="Id"><c>tok_…</c></param>
/// <param name="Hint">the token's first characters (<c>ns_AbCd</c>), so a person can tell tokens apart.</param>
/// <param name="Scopes">what the token may do, within its user's role at the time of use.</param>
/// <param name="ExpiresAt">null for a token that does not expire.</param>
/// <param name="RevokedAt">set once revoked; a revoked token is refused.</param>
/// <param name="LastUsedAt">updated at most once a minute.</param>
public sealed record ApiTokenRecord(
    string Id,
    string OrgId,
    string UserId,
    string Name,
    string Hint,
    IReadOnlyList<string> Scopes,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? RevokedAt,
    DateTimeOffset? LastUsedAt)
{
    public const int MaxNameLength = 100;

    public bool IsUsableAt(DateTimeOffset now) => RevokedAt is null && (ExpiresAt is null || ExpiresAt > now);
}

/// <param name="Hash">SHA-256 of the token's UTF-8 bytes.</param>
public sealed record NewApiToken(
    string OrgId,
    string UserId,
    string Name,
    string Hint,
    byte[] Hash,
    IReadOnlyList<string> Scopes,
    DateTimeOffset? ExpiresAt);
