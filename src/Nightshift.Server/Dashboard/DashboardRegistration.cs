using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Mvc.ApplicationParts;
using Nightshift.Server.Auth;

namespace Nightshift.Server.Dashboard;

/// <summary>The web dashboard: Razor Pages, their static files, the sign-in cookie and antiforgery.</summary>
internal static class DashboardRegistration
{
    public static IServiceCollection AddNightshiftDashboard(this IServiceCollection services)
    {
        services.AddSingleton<EmbeddedAssets>();
        services.AddSingleton<DashboardSession>();
        // Antiforgery tokens and sessions must stay valid across restarts and between processes sharing the data folder:
        // they use the one key ring that secrets are encrypted with (DataProtection:*, set up by SecretsRegistration for
        // every host), in a folder only the owner can read or in the store. The framework's warning about keys stored
        // unencrypted says nothing new (see docs/secrets.md) and is kept out of the console.
        services.AddDataProtection().SetApplicationName(Secrets.SecretsRegistration.ApplicationName);
        services.AddLogging(logging => logging.AddFilter("Microsoft.AspNetCore.DataProtection", LogLevel.Error));
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "nightshift_antiforgery";
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.FormFieldName = "__antiforgery";
            o.HeaderName = "X-Antiforgery";
        });
        services.AddRazorPages(o => o.RootDirectory = "/Pages")
            .ConfigureApplicationPartManager(parts =>
            {
                // The pages are compiled into this assembly, which is not the host's entry assembly (the CLI, a test).
                var assembly = typeof(DashboardRegistration).Assembly;
                foreach (var part in ApplicationPartFactory.GetApplicationPartFactory(assembly).GetApplicationParts(assembly))
                {
                    if (!parts.ApplicationParts.Any(p => p.GetType() == part.GetType() && p.Name == part.Name))
                    {
                        parts.ApplicationParts.Add(part);
                    }
                }
            });
        return services;
    }

    public static void UseNightshiftDashboardAssets(this WebApplication app)
    {
        var assets = app.Services.GetRequiredService<EmbeddedAssets>();
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = assets,
            RequestPath = EmbeddedAssets.RequestPath,
            OnPrepareResponse = file => file.Context.Response.Headers.CacheControl = "public, max-age=31536000, immutable",
        });
    }
}
