using System.Security.Cryptography;
using System.Text;
using Nightshift.Core.Teams;
using Nightshift.Server.Auth;
using Nightshift.Storage;
using Nightshift.Storage.Teams;

namespace Nightshift.Server.Teams;

/// <summary>
/// Issues, lists and revokes API tokens for a caller. A token is made here and shown once; only its SHA-256 is stored.
/// Its scopes lie within its user's role and within what the caller holds, so no token can make a stronger one.
/// </summary>
internal sealed partial class TokenService(INightshiftStore store, TimeProvider time, TeamChanges changes, ILogger<TokenService> logger)
{
    public const int HintLength = 7;

    public DateTimeOffset Now => time.GetUtcNow();

    /// <exception cref="Core.Errors.ValidationException">a scope lies outside the user's role or the caller's own scopes.</exception>
    /// <exception cref="TeamRequestException">another user's token without <c>admin</c> (403); no such user in the caller's organisation (404); a disabled user (409).</exception>
    public async Task<(ApiTokenRecord Record, string Token)> CreateAsync(Caller caller, TokenRequest request, CancellationToken cancellationToken = default)
    {
        var (userId, role) = await OwnerAsync(caller, request.UserId, cancellationToken);
        var mayGive = Grantable(caller, role);
        var scopes = request.Scopes ?? [.. Scopes.All.Where(mayGive.Contains)];
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var refused = new List<string>();
        foreach (var scope in scopes)
        {
            if (!Scopes.ForRole(role).Contains(scope))
            {
                refused.Add($"'{scope}' lies outside the role '{role.Name()}' of user {userId}, which allows: {string.Join(", ", Scopes.ForRole(role).Order(StringComparer.Ordinal))}");
            }
            else if (!mayGive.Contains(scope))
            {
                refused.Add($"'{scope}' is not among the scopes you hold ({string.Join(", ", caller.Scopes.Order(StringComparer.Ordinal))}); a token can only give what its maker has");
            }
        }
        if (scopes.Count == 0)
        {
            refused.Add($"none of the scopes you hold lies within the role '{role.Name()}' of user {userId}; name the scopes to give");
        }
        if (refused.Count > 0)
        {
            errors["scopes"] = [.. refused];
            throw new Core.Errors.ValidationException(errors);
        }

        var token = ApiTokenAuthority.Generate();
        var record = await store.CreateTokenAsync(
            new NewApiToken(caller.OrgId, userId, request.Name, token[..HintLength], Hash(token), scopes, request.ExpiresAt),
            cancellationToken);
        LogCreated(logger, record.Id, caller.OrgId, userId, caller.UserId);
        return (record, token);
    }

    /// <param name="all">every token of the caller's organisation (needs <c>admin</c>); else the caller's own.</param>
    /// <exception cref="TeamRequestException">all without <c>admin</c> (403).</exception>
    public async Task<IReadOnlyList<ApiTokenRecord>> ListAsync(Caller caller, bool all, CancellationToken cancellationToken = default)
    {
        if (all && !caller.Has(Scopes.Admin))
        {
            throw TeamRequestException.Forbidden(Scopes.Admin, "listing every token of the organisation (all=true)");
        }
        return await store.ListTokensAsync(caller.OrgId, all ? null : caller.UserId, cancellationToken);
    }

    /// <returns>the caller's token, or with <c>admin</c> any token of the organisation; null for every other id.</returns>
    public async Task<ApiTokenRecord?> FindAsync(Caller caller, string tokenId, CancellationToken cancellationToken = default)
    {
        var tokens = await store.ListTokensAsync(caller.OrgId, caller.Has(Scopes.Admin) ? null : caller.UserId, cancellationToken);
        return tokens.FirstOrDefault(t => string.Equals(t.Id, tokenId, StringComparison.Ordinal));
    }

    /// <returns>the revoked token (revoking twice is fine), or null when the caller may not see a token by that id.</returns>
    public async Task<ApiTokenRecord?> RevokeAsync(Caller caller, string tokenId, CancellationToken cancellationToken = default)
    {
        if (await FindAsync(caller, tokenId, cancellationToken) is null)
        {
            return null;
        }
        var revoked = await store.RevokeTokenAsync(caller.OrgId, tokenId, cancellationToken);
        if (revoked is not null)
        {
            changes.OnTokenRevoked(revoked.Id);
            LogRevoked(logger, revoked.Id, caller.OrgId, caller.UserId);
        }
        return revoked;
    }

    public static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    /// <summary>What the caller may put in a token for a user of <paramref name="role"/>: the role's scopes, within the caller's own.</summary>
    public static IReadOnlySet<string> Grantable(Caller caller, TeamRole role) =>
        new HashSet<string>(Scopes.ForRole(role).Where(caller.Has), StringComparer.Ordinal);

    private async Task<(string UserId, TeamRole Role)> OwnerAsync(Caller caller, string? requested, CancellationToken cancellationToken)
    {
        if (requested is null || string.Equals(requested, caller.UserId, StringComparison.Ordinal))
        {
            return (caller.UserId, caller.Role);
        }
        if (!caller.Has(Scopes.Admin))
        {
            throw TeamRequestException.Forbidden(Scopes.Admin, "making a token for another user (userId)");
        }
        var user = await store.FindUserAsync(caller.OrgId, requested, cancellationToken)
            ?? throw TeamRequestException.NotFound($"there is no user '{JsonFields.Clip(requested)}'; list the users with GET /api/v1/users or `nightshift user ls`");
        if (user.DisabledAt is not null)
        {
            throw TeamRequestException.Conflict("the user is disabled",
                $"user {user.Id} is disabled, so a token for it would not work; enable it first (`nightshift user set {user.Id} --enable`)");
        }
        return (user.Id, user.Role);
    }

    [LoggerMessage(EventId = 3560, Level = LogLevel.Information, Message = "Token {TokenId} made in organisation {OrgId} for user {UserId} by {CallerId}")]
    private static partial void LogCreated(ILogger logger, string tokenId, string orgId, string userId, string callerId);

    [LoggerMessage(EventId = 3561, Level = LogLevel.Information, Message = "Token {TokenId} of organisation {OrgId} revoked by {CallerId}")]
    private static partial void LogRevoked(ILogger logger, string tokenId, string orgId, string callerId);
}
