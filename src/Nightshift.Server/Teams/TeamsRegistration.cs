using Microsoft.Extensions.DependencyInjection.Extensions;
using Nightshift.Server.Audit;

namespace Nightshift.Server.Teams;

/// <summary>Tokens, users and the audit log: their services, routes and the audit middleware.</summary>
internal static class TeamsRegistration
{
    public static IServiceCollection AddNightshiftTeams(this IServiceCollection services)
    {
        // A revoked token or a changed user takes effect at once on this server: authentication forgets what it cached.
        services.TryAddSingleton(sp =>
        {
            var changes = new TeamChanges();
            var cache = sp.GetRequiredService<Auth.CallerCache>();
            changes.TokenRevoked += _ => cache.ForgetAll();
            changes.UserChanged += (_, _) => cache.ForgetAll();
            return changes;
        });
        services.TryAddSingleton<AuditLog>();
        services.TryAddSingleton<TokenService>();
        services.TryAddSingleton<UserService>();
        return services;
    }

    /// <summary>Records state-changing requests; goes just before authentication, so refusals for a missing scope are recorded too.</summary>
    public static IApplicationBuilder UseNightshiftAudit(this IApplicationBuilder app) => app.UseMiddleware<AuditMiddleware>();

    public static IEndpointRouteBuilder MapTeamsApi(this IEndpointRouteBuilder app)
    {
        app.MapTokensApi();
        app.MapUsersApi();
        app.MapAuditApi();
        return app;
    }
}
