using System.Security.Claims;
using Microsoft.Extensions.Options;
using Nightshift.Core.Errors;
using Nightshift.Core.Teams;
using Nightshift.Core.Text;
using Nightshift.Storage;
using Nightshift.Storage.Teams;

namespace Nightshift.Server.Oidc;

/// <summary>
/// Turns a validated OpenID Connect identity into a Nightshift user: found by (issuer, subject), created in its
/// organisation on first sign-in, its role brought in line with the provider's claims on every sign-in.
/// </summary>
internal sealed partial class OidcUsers(INightshiftStore store, IOptions<OidcOptions> options, ILogger<OidcUsers> logger)
{
    public async Task<OidcSignInResult> SignInAsync(IReadOnlyCollection<Claim> claims, CancellationToken cancellationToken = default)
    {
        if (OidcClaims.TryRead(claims, options.Value, out var refusal) is not { } identity)
        {
            LogRefused(logger, refusal.Code(), SafeText.Clean(claims.FirstOrDefault(c => c.Type == "sub")?.Value ?? "(none)", 100));
            return OidcSignInResult.Refused(refusal);
        }

        if (await store.FindOrgAsync(identity.OrgId, cancellationToken) is null)
        {
            LogRefused(logger, OidcRefusal.UnknownOrg.Code(), SafeText.Clean(identity.Subject, 100));
            return OidcSignInResult.Refused(OidcRefusal.UnknownOrg);
        }

        var user = await store.FindUserByOidcAsync(identity.Issuer, identity.Subject, cancellationToken);
        if (user is null)
        {
            user = await CreateAsync(identity, cancellationToken);
        }
        if (user.OrgId != identity.OrgId)
        {
            LogOtherOrg(logger, user.Id, user.OrgId, identity.OrgId);
            return OidcSignInResult.Refused(OidcRefusal.OtherOrg);
        }
        if (user.DisabledAt is not null)
        {
            LogRefused(logger, OidcRefusal.Disabled.Code(), SafeText.Clean(identity.Subject, 100));
            return OidcSignInResult.Refused(OidcRefusal.Disabled);
        }
        if (user.Role != identity.Role)
        {
            var updated = await store.UpdateUserAsync(user.OrgId, user.Id, identity.Role, null, cancellationToken);
            LogRoleChanged(logger, user.Id, user.Role.Name(), identity.Role.Name());
            user = updated ?? user with { Role = identity.Role };
        }

        LogSignedIn(logger, user.Id, user.OrgId, user.Role.Name());
        return OidcSignInResult.SignedIn(new Caller(user.OrgId, user.Id, user.Name, user.Role, Scopes.ForRole(user.Role), null, "oidc"));
    }

    private async Task<TeamUser> CreateAsync(OidcIdentity identity, CancellationToken cancellationToken)
    {
        try
        {
            var created = await store.CreateUserAsync(
                new NewTeamUser(identity.OrgId, identity.Name, identity.Role, identity.Issuer, identity.Subject), cancellationToken);
            LogCreated(logger, created.Id, created.OrgId, created.Role.Name());
            return created;
        }
        catch (ConflictException exception)
        {
            // Two first sign-ins of one person at once: the store keeps one user per (issuer, subject), so the loser finds the winner's.
            return await store.FindUserByOidcAsync(identity.Issuer, identity.Subject, cancellationToken)
                ?? throw new InvalidOperationException($"could not create the user for an OpenID Connect sign-in in organisation '{identity.OrgId}'", exception);
        }
    }

    [LoggerMessage(EventId = 3680, Level = LogLevel.Information, Message = "OpenID Connect sign-in of user {UserId} in organisation {OrgId} as {Role}")]
    private static partial void LogSignedIn(ILogger logger, string userId, string orgId, string role);

    [LoggerMessage(EventId = 3681, Level = LogLevel.Information, Message = "OpenID Connect sign-in created user {UserId} in organisation {OrgId} as {Role}")]
    private static partial void LogCreated(ILogger logger, string userId, string orgId, string role);

    [LoggerMessage(EventId = 3682, Level = LogLevel.Information, Message = "OpenID Connect sign-in changed the role of user {UserId} from {From} to {To}, as the identity provider's claims say")]
    private static partial void LogRoleChanged(ILogger logger, string userId, string from, string to);

    [LoggerMessage(EventId = 3683, Level = LogLevel.Warning, Message = "OpenID Connect sign-in refused ({Reason}) for subject {Subject}")]
    private static partial void LogRefused(ILogger logger, string reason, string subject);

    [LoggerMessage(EventId = 3684, Level = LogLevel.Warning, Message = "OpenID Connect sign-in refused: user {UserId} belongs to organisation {UserOrgId}, but the identity provider now names {ClaimedOrgId}")]
    private static partial void LogOtherOrg(ILogger logger, string userId, string userOrgId, string claimedOrgId);
}
