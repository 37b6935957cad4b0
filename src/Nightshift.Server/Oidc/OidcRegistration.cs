using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Nightshift.Server.Oidc;

/// <summary>
/// Dashboard sign-in through OpenID Connect (<c>Auth:Oidc</c>): ASP.NET Core's handler with the authorization code flow
/// and PKCE. The settings are always bound and checked; the handler and routes exist only when an authority is set.
/// </summary>
internal static class OidcRegistration
{
    public const string Scheme = "oidc";

    /// <summary>The handler must name a sign-in scheme; nothing is ever signed in to it (the dashboard session is set instead).</summary>
    public const string TemporaryCookieScheme = "oidc-temporary";

    public static IServiceCollection AddNightshiftOidc(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<OidcOptions>().BindConfiguration(OidcOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OidcOptions>, OidcOptionsValidator>());
        if (string.IsNullOrWhiteSpace(configuration[$"{OidcOptions.Section}:{nameof(OidcOptions.Authority)}"]))
        {
            return services;
        }

        services.AddSingleton<OidcUsers>();
        services.AddScoped<OidcEvents>();
        services.AddAuthentication()
            .AddCookie(TemporaryCookieScheme, cookie =>
            {
                cookie.Cookie.Name = "nightshift_oidc";
                cookie.Cookie.HttpOnly = true;
                cookie.Cookie.SameSite = SameSiteMode.Lax;
                cookie.ExpireTimeSpan = TimeSpan.FromMinutes(5);
            })
            .AddOpenIdConnect(Scheme, _ => { });
        services.AddOptions<OpenIdConnectOptions>(Scheme).Configure<IOptions<OidcOptions>>((oidc, settings) => Configure(oidc, settings.Value));
        return services;
    }

    /// <summary>Runs the handler (it answers <c>/signin-oidc</c> itself) and maps the sign-in routes; call before the bearer middleware.</summary>
    public static WebApplication UseNightshiftOidc(this WebApplication app)
    {
        if (!app.Services.GetRequiredService<IOptions<OidcOptions>>().Value.IsEnabled)
        {
            return app;
        }
        app.UseAuthentication();
        app.MapOidcRoutes();
        return app;
    }

    private static void Configure(OpenIdConnectOptions oidc, OidcOptions settings)
    {
        var authority = new Uri(settings.Authority!.Trim());
        oidc.Authority = authority.AbsoluteUri.TrimEnd('/');
        oidc.RequireHttpsMetadata = !OidcOptionsValidator.IsLoopback(authority);
        oidc.ClientId = settings.ClientId;
        oidc.ClientSecret = string.IsNullOrEmpty(settings.ClientSecret) ? null : settings.ClientSecret;
        oidc.ResponseType = "code";
        oidc.UsePkce = true;
        // Query, not form_post: the correlation and nonce cookies can then be SameSite=Lax and need no https.
        oidc.ResponseMode = "query";
        oidc.CallbackPath = OidcRoutes.CallbackPath;
        // The handler answers only its callback: no remote sign-out routes beside the dashboard's own sign-out.
        oidc.RemoteSignOutPath = PathString.Empty;
        oidc.SignedOutCallbackPath = PathString.Empty;
        oidc.SignInScheme = TemporaryCookieScheme;
        oidc.Scope.Clear();
        foreach (var scope in settings.ScopesToAsk())
        {
            oidc.Scope.Add(scope);
        }
        oidc.MapInboundClaims = false;
        oidc.SaveTokens = false;
        oidc.GetClaimsFromUserInfoEndpoint = false;
        oidc.DisableTelemetry = true;
        oidc.RemoteAuthenticationTimeout = TimeSpan.FromMinutes(10);
        oidc.TokenValidationParameters.NameClaimType = "name";
        oidc.TokenValidationParameters.RoleClaimType = settings.RoleClaim ?? "roles";
        foreach (var cookie in new[] { oidc.CorrelationCookie, oidc.NonceCookie })
        {
            cookie.SameSite = SameSiteMode.Lax;
            cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            cookie.HttpOnly = true;
        }
        oidc.EventsType = typeof(OidcEvents);
    }
}
