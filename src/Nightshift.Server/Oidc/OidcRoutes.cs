using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Nightshift.Server.Auth;
using Nightshift.Server.Dashboard;

namespace Nightshift.Server.Oidc;

/// <summary>
/// The OpenID Connect sign-in's routes: <c>GET /signin/oidc</c> starts it, the handler answers the provider at
/// <c>/signin-oidc</c>, and <c>GET /signin/oidc/refused</c> says why one was refused. All need no caller.
/// </summary>
internal static class OidcRoutes
{
    public const string ChallengePath = "/signin/oidc";
    public const string RefusedPath = "/signin/oidc/refused";
    public const string CallbackPath = "/signin-oidc";

    /// <summary>The sign-in button's link, returning to <paramref name="returnUrl"/> afterwards (kept only when local).</summary>
    public static string Challenge(string? returnUrl) =>
        SignInLink.IsLocal(returnUrl) && returnUrl != "/" ? $"{ChallengePath}?returnUrl={Uri.EscapeDataString(returnUrl!)}" : ChallengePath;

    public static string Refused(OidcRefusal refusal) => $"{RefusedPath}?reason={refusal.Code()}";

    public static void MapOidcRoutes(this IEndpointRouteBuilder app)
    {
        app.MapGet(ChallengePath, (HttpContext context, string? returnUrl) =>
            Results.Challenge(
                new AuthenticationProperties { RedirectUri = SignInLink.IsLocal(returnUrl) ? returnUrl : "/" },
                [OidcRegistration.Scheme]))
            .PublicRoute()
            .ExcludeFromDescription();

        app.MapGet(RefusedPath, (HttpContext context, string? reason, EmbeddedAssets assets, IOptions<OidcOptions> options) =>
            OidcPages.WriteRefusedAsync(context.Response, assets, OidcRefusals.FromCode(reason), options.Value.EffectiveDisplayName, context.RequestAborted))
            .PublicRoute()
            .ExcludeFromDescription();
    }
}
