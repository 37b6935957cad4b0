using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Nightshift.Core.Teams;
using Nightshift.Storage;
using Nightshift.Storage.Teams;

namespace Nightshift.Server.Auth;

/// <summary>
/// Turns a presented API token or a dashboard session into a <see cref="Caller"/>, reading the token and its user from the
/// store (through <see cref="CallerCache"/>): a revoked or expired token, or one whose user is disabled, is refused; the
/// caller's scopes are the token's within what the user's role grants now.
/// </summary>
internal sealed partial class CallerAuthenticator(
    INightshiftStore store,
    CallerCache cache,
    ApiTokenAuthority bootstrap,
    TimeProvider time,
    ILogger<CallerAuthenticator> logger)
{
    public const int MaxTokenLength = 512;
    private static readonly TimeSpan TouchEvery = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, DateTimeOffset> _touched = new(StringComparer.Ordinal);

    public async Task<AuthOutcome> AuthenticateTokenAsync(string? presented, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(presented))
        {
            return AuthOutcome.Refused($"no API token was sent: send the header 'Authorization: Bearer <token>' (the first admin's token is {bootstrap.WhereToFindIt})");
        }
        if (presented.Length > MaxTokenLength || presented.Any(char.IsControl))
        {
            return Unknown();
        }
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        var token = await cache.TokenAsync(Convert.ToHexStringLower(hash), () => store.FindTokenByHashAsync(hash, cancellationToken));
        if (token is null)
        {
            return Unknown();
        }
        var now = time.GetUtcNow();
        if (token.RevokedAt is not null)
        {
            return AuthOutcome.Refused($"this API token was revoked: ask an admin of your organisation for a new one (nightshift token create), or use {bootstrap.WhereToFindIt}");
        }
        if (token.ExpiresAt is { } expires && expires <= now)
        {
            return AuthOutcome.Refused(
                $"this API token expired at {expires.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} UTC: create a new one (nightshift token create) or ask an admin of your organisation");
        }
        var user = await cache.UserAsync(token.OrgId, token.UserId, () => store.FindUserAsync(token.OrgId, token.UserId, cancellationToken));
        if (user is null || user.DisabledAt is not null)
        {
            return AuthOutcome.Refused("this API token belongs to a user who is disabled: ask an admin of your organisation to enable the user or give you a token of your own");
        }
        await TouchAsync(token, now, cancellationToken);
        var role = Scopes.ForRole(user.Role);
        var granted = new HashSet<string>(token.Scopes.Where(s => role.Contains(s)), StringComparer.Ordinal);
        return AuthOutcome.Accepted(new Caller(user.OrgId, user.Id, user.Name, user.Role, granted, token.Id, "token"));
    }

    /// <summary>The caller a session cookie stands for, or null when its user is gone or disabled (the person signs in again).</summary>
    public async Task<Caller?> AuthenticateSessionAsync(SessionTicket ticket, CancellationToken cancellationToken = default)
    {
        var user = await cache.UserAsync(ticket.OrgId, ticket.UserId, () => store.FindUserAsync(ticket.OrgId, ticket.UserId, cancellationToken));
        if (user is null || user.DisabledAt is not null)
        {
            return null;
        }
        return new Caller(user.OrgId, user.Id, user.Name, user.Role, Scopes.ForRole(user.Role), null, ticket.Via);
    }

    private AuthOutcome Unknown() => AuthOutcome.Refused(
        $"the bearer token sent is not one this server knows: check it was copied whole, or ask an admin of your organisation for a new one (the first admin's token is {bootstrap.WhereToFindIt})");

    // The store writes at most once a minute anyway; remembering the last touch here spares it the query.
    private async Task TouchAsync(ApiTokenRecord token, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (_touched.TryGetValue(token.Id, out var last) && now - last < TouchEvery)
        {
            return;
        }
        _touched[token.Id] = now;
        try
        {
            await store.TouchTokenAsync(token.Id, now, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogTouchFailed(logger, token.Id, exception);
        }
        if (_touched.Count > 10_000)
        {
            _touched.Clear();
        }
    }

    [LoggerMessage(EventId = 3520, Level = LogLevel.Warning, Message = "Could not record the use of API token {TokenId}; the request goes on")]
    private static partial void LogTouchFailed(ILogger logger, string tokenId, Exception exception);
}
