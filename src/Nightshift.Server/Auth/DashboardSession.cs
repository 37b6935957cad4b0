using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Nightshift.Server.Auth;

/// <summary>
/// The dashboard's sign-in cookie: an expiry signed with a key derived from the API token, so it survives restarts,
/// holds no secret, and stops working the moment the token changes. HttpOnly and SameSite=Strict.
/// </summary>
internal sealed class DashboardSession(ApiTokenAuthority tokens, TimeProvider time)
{
    public const string CookieName = "nightshift_session";
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(30);
    private const string Version = "v1";

    public bool IsValid(HttpRequest request)
    {
        var value = request.Cookies[CookieName];
        if (string.IsNullOrEmpty(value) || value.Length > 200)
        {
            return false;
        }
        var parts = value.Split('.');
        if (parts.Length != 3 || parts[0] != Version
            || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var expires))
        {
            return false;
        }
        if (expires <= time.GetUtcNow().ToUnixTimeSeconds())
        {
            return false;
        }
        byte[] presented;
        try
        {
            presented = Base64Url.DecodeFromChars(parts[2]);
        }
        catch (FormatException)
        {
            return false;
        }
        return CryptographicOperations.FixedTimeEquals(presented, Sign(parts[0] + "." + parts[1]));
    }

    /// <summary>Sets the cookie on the response after a correct token was presented.</summary>
    public void SignIn(HttpResponse response)
    {
        var expires = time.GetUtcNow() + Lifetime;
        var payload = Version + "." + expires.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var value = payload + "." + Base64Url.EncodeToString(Sign(payload));
        response.Cookies.Append(CookieName, value, Options(response.HttpContext.Request, expires));
    }

    public static void SignOut(HttpResponse response) =>
        response.Cookies.Delete(CookieName, Options(response.HttpContext.Request, null));

    private byte[] Sign(string payload) => HMACSHA256.HashData(tokens.SessionKey, Encoding.UTF8.GetBytes(payload));

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
