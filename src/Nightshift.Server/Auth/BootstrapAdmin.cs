using Nightshift.Core.Teams;
using Nightshift.Storage;
using Nightshift.Storage.Teams;

namespace Nightshift.Server.Auth;

/// <summary>
/// When the server starts, makes the generated first-start token (or <c>Auth:Token</c>) the token of the default
/// organisation's first admin: creates the user <c>admin</c> and the token (scope <c>admin</c>) when missing, and when the
/// token changed, revokes the previous one. A single-user install needs nothing else.
/// </summary>
internal sealed partial class BootstrapAdmin(
    INightshiftStore store,
    ApiTokenAuthority bootstrap,
    CallerCache cache,
    ILogger<BootstrapAdmin> logger) : IHostedService
{
    public const string UserName = "admin";
    public const string TokenName = "first admin (server token)";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var hash = bootstrap.Hash;
        var existing = await store.FindTokenByHashAsync(hash, cancellationToken);
        if (existing is not null)
        {
            if (existing.RevokedAt is not null)
            {
                LogBootstrapRevoked(logger, bootstrap.WhereToFindIt);
            }
            return;
        }

        var users = await store.ListUsersAsync(OrgIds.Default, cancellationToken);
        var admin = users.FirstOrDefault(u => u.Name == UserName && u.Role == TeamRole.Admin)
            ?? await store.CreateUserAsync(new NewTeamUser(OrgIds.Default, UserName, TeamRole.Admin), cancellationToken);
        if (admin.DisabledAt is not null)
        {
            LogAdminDisabled(logger, admin.Id);
        }

        foreach (var previous in await store.ListTokensAsync(OrgIds.Default, admin.Id, cancellationToken))
        {
            if (previous.Name == TokenName && previous.RevokedAt is null)
            {
                await store.RevokeTokenAsync(OrgIds.Default, previous.Id, cancellationToken);
                LogRevokedPrevious(logger, previous.Id);
            }
        }

        try
        {
            var created = await store.CreateTokenAsync(
                new NewApiToken(OrgIds.Default, admin.Id, TokenName, bootstrap.Hint, hash, [Scopes.Admin], ExpiresAt: null),
                cancellationToken);
            LogRegistered(logger, created.Id, admin.Id);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // Another server of the fleet may have registered the same token a moment ago; anything else stops the start.
            if (await store.FindTokenByHashAsync(hash, cancellationToken) is null)
            {
                throw;
            }
        }
        cache.ForgetAll();
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 3521, Level = LogLevel.Information, Message = "Registered the server's token as {TokenId} of the first admin {UserId} of the default organisation")]
    private static partial void LogRegistered(ILogger logger, string tokenId, string userId);

    [LoggerMessage(EventId = 3522, Level = LogLevel.Information, Message = "Revoked {TokenId}, the previous server token: the token file or Auth:Token changed")]
    private static partial void LogRevokedPrevious(ILogger logger, string tokenId);

    [LoggerMessage(EventId = 3523, Level = LogLevel.Warning, Message = "The server's token ({WhereToFindIt}) was revoked; it stays refused: use another admin token, or replace the token and restart")]
    private static partial void LogBootstrapRevoked(ILogger logger, string whereToFindIt);

    [LoggerMessage(EventId = 3524, Level = LogLevel.Warning, Message = "The first admin {UserId} is disabled, so the server's token is refused until an admin enables the user")]
    private static partial void LogAdminDisabled(ILogger logger, string userId);
}
