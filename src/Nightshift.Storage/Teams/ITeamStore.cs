using Nightshift.Core.Teams;

namespace Nightshift.Storage.Teams;

/// <summary>Organisations, their users and API tokens. Every read is scoped by organisation except the token lookup by hash.</summary>
public interface ITeamStore
{
    /// <exception cref="Core.Errors.ConflictException">an organisation with that id exists.</exception>
    Task<Organisation> CreateOrgAsync(NewOrganisation org, CancellationToken cancellationToken = default);

    Task<Organisation?> FindOrgAsync(string orgId, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<Organisation>> ListOrgsAsync(CancellationToken cancellationToken = default);

    /// <returns>the changed organisation, or null when there is none with that id.</returns>
    Task<Organisation?> UpdateOrgAsync(string orgId, OrganisationPatch patch, CancellationToken cancellationToken = default);

    Task<TeamUser> CreateUserAsync(NewTeamUser user, CancellationToken cancellationToken = default);

    Task<TeamUser?> FindUserAsync(string orgId, string userId, CancellationToken cancellationToken = default);

    /// <summary>The user an OpenID Connect identity is, in any organisation.</summary>
    Task<TeamUser?> FindUserByOidcAsync(string issuer, string subject, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<TeamUser>> ListUsersAsync(string orgId, CancellationToken cancellationToken = default);

    /// <summary>Changes role and/or disables (<paramref name="disabled"/> true) or enables (false) a user; null leaves it.</summary>
    Task<TeamUser?> UpdateUserAsync(string orgId, string userId, TeamRole? role, bool? disabled, CancellationToken cancellationToken = default);

    Task<ApiTokenRecord> CreateTokenAsync(NewApiToken token, CancellationToken cancellationToken = default);

    /// <summary>The token with this SHA-256, whatever its state (the caller checks revocation and expiry).</summary>
    Task<ApiTokenRecord?> FindTokenByHashAsync(byte[] hash, CancellationToken cancellationToken = default);

    /// <param name="userId">only this user's tokens; null for every token of the organisation.</param>
    Task<IReadOnlyList<ApiTokenRecord>> ListTokensAsync(string orgId, string? userId, CancellationToken cancellationToken = default);

    /// <returns>the token after revocation (idempotent), or null when the organisation has no such token.</returns>
    Task<ApiTokenRecord?> RevokeTokenAsync(string orgId, string tokenId, CancellationToken cancellationToken = default);

    /// <summary>Records a use; writes only when the stored time is older than a minute, so a busy token costs no writes.</summary>
    Task TouchTokenAsync(string tokenId, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>The summed cost of the organisation's model calls recorded at or after <paramref name="since"/>.</summary>
    Task<decimal> SumOrgCostAsync(string orgId, DateTimeOffset since, CancellationToken cancellationToken = default);
}
