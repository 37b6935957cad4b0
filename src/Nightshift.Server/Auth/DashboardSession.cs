using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Nightshift.Core.Teams;

namespace Nightshift.Server.Auth;

/// <summary>
/// The dashboard's sign-in cookie: the organisation, user and way of signing in, with an expiry, encrypted and signed with
/// ASP.NET Core Data Protection — so it survives restarts, is read by every server sharing the key ring, and holds no
/// secret. Every request reads the user again (<see cref="CallerAuthenticator.AuthenticateSessionAsync"/>), so disabling
/// a user or changing a role takes effect without waiting for the cookie to expire. HttpOnly and SameSite=Strict.
/// </summary>
internal sealed class DashboardSession(IDataProtectionProvider protection, TimeProvider time)
{
    public const string CookieName = "nightshift_session";
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(30);
    private const string Version = "v2";
    private const int MaxCookieLength = 2_000;

    private readonly IDataProtector _protector = protection.CreateProtector("Nightshift.Server.Auth.DashboardSession");

    /// <summary>The ticket of a well-formed, unexpired cookie made by this server (or one sharing its key ring); null otherwise.</summary>
    public SessionTicket? Read(HttpRequest request)
    {
        var value = request.Cookies[CookieName];
        if (string.IsNullOrEmpty(value) || value.Length > MaxCookieLength)
        {
            return null;
        }
        string payload;
        try
        {
            payload = _protector.Unprotect(value);
        }
        catch (CryptographicException)
        {
            return null;
        }
        var parts = payload.Split('\n');
        if (parts.Length != 5 || parts[0] != Version
            || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var expires)
            || !OrgIds.IsValid(parts[2]) || parts[3].Length == 0 || parts[4] is not ("session" or "oidc"))
        {
            return null;
        }
        var expiresAt = DateTimeOffset.FromUnixTimeSeconds(expires);
        return expiresAt <= time.GetUtcNow() ? null : new SessionTicket(parts[2], parts[3], parts[4], expiresAt);
    }

    /// <summary>
    /// Signs <paramref name="caller"/> in to the dashboard (after a token or OpenID Connect sign-in): the cookie names the
    /// caller's organisation and user, and <c>oidc</c> when <see cref="Caller.Via"/> is <c>oidc</c>, else <c>session</c>.
    /// </summary>
    public void SignIn(HttpResponse response, Caller caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var expires = time.GetUtcNow() + Lifetime;
        var via = caller.Via == "oidc" ? "oidc" : "session";
        var payload = string.Join('\n', Version, expires.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), caller.OrgId, caller.UserId, via);
        response.Cookies.Append(CookieName, _protector.Protect(payload), Options(response.HttpContext.Request, expires));
    }

    public static void SignOut(HttpResponse response) =>
        response.Cookies.Delete(CookieName, Options(response.HttpContext.Request, null));

    private static CookieOptions Options(HttpRequest request, DateTimeOffset? expires) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Secure = request.IsHttps,
        Path = "/",
        Expires = expires,
        IsEssential = true,
    };
}
