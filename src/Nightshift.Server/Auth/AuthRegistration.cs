using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Nightshift.Server.Auth;

/// <summary>Who is asking (tokens from the store, dashboard sessions), what they may do (scopes), and the first admin.</summary>
internal static class AuthRegistration
{
    public static IServiceCollection AddNightshiftAuth(this IServiceCollection services)
    {
        services.AddOptions<AuthSettings>().BindConfiguration(AuthSettings.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AuthSettings>, AuthSettingsValidator>());
        services.AddSingleton<CallerCache>();
        services.AddSingleton<CallerAuthenticator>();
        services.TryAddSingleton<DashboardSession>();
        services.AddHostedService<BootstrapAdmin>();
        services.Configure<RazorPagesOptions>(pages =>
        {
            pages.Conventions.Add(new PageScopeConvention());
            pages.Conventions.ConfigureFilter(new PageScopeFilter());
        });
        return services;
    }

    /// <summary>Authentication, then the rate limiter (its buckets are per token and per organisation), then the refusals.</summary>
    public static WebApplication UseNightshiftAuth(this WebApplication app)
    {
        app.UseMiddleware<BearerTokenMiddleware>();
        app.UseRateLimiter();
        app.UseMiddleware<CallerGate>();
        return app;
    }
}
