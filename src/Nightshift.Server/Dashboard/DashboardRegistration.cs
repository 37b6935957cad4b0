using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Mvc.ApplicationParts;
using Nightshift.Server.Auth;

namespace Nightshift.Server.Dashboard;

/// <summary>The web dashboard: Razor Pages, their static files, the sign-in cookie and antiforgery.</summary>
internal static class DashboardRegistration
{
    public static IServiceCollection AddNightshiftDashboard(this IServiceCollection services, string dataDirectory)
    {
        services.AddSingleton<EmbeddedAssets>();
        services.AddSingleton<DashboardSession>();
        // Antiforgery tokens must stay valid across restarts and between processes sharing the data folder. The keys sit
        // next to the API token, in a folder only the owner can read — the same protection the token has — so the
        // framework's warning about keys stored unencrypted says nothing new and is kept out of the console.
        var keys = Path.Combine(dataDirectory, "keys");
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(keys);
        }
        else
        {
            Directory.CreateDirectory(keys, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        services.AddDataProtection()
            .SetApplicationName("nightshift")
            .PersistKeysToFileSystem(new DirectoryInfo(keys));
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
