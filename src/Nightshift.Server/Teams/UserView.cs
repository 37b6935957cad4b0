using Nightshift.Core.Teams;
using Nightshift.Storage.Teams;

namespace Nightshift.Server.Teams;

/// <summary>A user as the API shows it.</summary>
/// <param name="Oidc">true when the user signs in through OpenID Connect.</param>
internal sealed record UserView(
    string Id,
    string OrgId,
    string Name,
    string Role,
    bool Disabled,
    bool Oidc,
    DateTimeOffset CreatedAt,
    DateTimeOffset? DisabledAt)
{
    public static UserView From(TeamUser user) => new(
        user.Id, user.OrgId, user.Name, user.Role.Name(), user.DisabledAt is not null, user.OidcSubject is not null, user.CreatedAt, user.DisabledAt);
}
