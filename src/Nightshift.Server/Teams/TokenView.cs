using Nightshift.Storage.Teams;

namespace Nightshift.Server.Teams;

/// <summary>A token as the API shows it: never the token itself nor its hash.</summary>
/// <param name="State"><c>active</c>, <c>expired</c> or <c>revoked</c>.</param>
internal sealed record TokenView(
    string Id,
    string OrgId,
    string UserId,
    string Name,
    string Hint,
    IReadOnlyList<string> Scopes,
    string State,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? RevokedAt,
    DateTimeOffset? LastUsedAt)
{
    public static TokenView From(ApiTokenRecord token, DateTimeOffset now) => new(
        token.Id,
        token.OrgId,
        token.UserId,
        token.Name,
        token.Hint,
        token.Scopes,
        token.RevokedAt is not null ? "revoked" : token.IsUsableAt(now) ? "active" : "expired",
        token.CreatedAt,
        token.ExpiresAt,
        token.RevokedAt,
        token.LastUsedAt);
}
