using Nightshift.Core.Teams;

namespace Nightshift.Storage.Teams;

/// <summary>A person (or automation) in one organisation, with a role; signs in with tokens or through OpenID Connect.</summary>
/// <param name="Id"><c>usr_…</c></param>
/// <param name="OidcIssuer">with <paramref name="OidcSubject"/>: the identity provider's user this user is; null for token-only users.</param>
/// <param name="DisabledAt">set when disabled: its tokens and sessions stop working at once.</param>
public sealed record TeamUser(
    string Id,
    string OrgId,
    string Name,
    TeamRole Role,
    string? OidcIssuer,
    string? OidcSubject,
    DateTimeOffset CreatedAt,
    DateTimeOffset? DisabledAt)
{
    public const int MaxNameLength = 100;
}

public sealed record NewTeamUser(string OrgId, string Name, TeamRole Role, string? OidcIssuer = null, string? OidcSubject = null);
