using Microsoft.Extensions.DependencyInjection.Extensions;
using Nightshift.Agent.Budgets;

namespace Nightshift.Server.Orgs;

/// <summary>The organisation routes' services, and the budget check every task's model calls pass through.</summary>
internal static class OrgsRegistration
{
    /// <summary>For the API server: <c>/api/v1/orgs</c> (the budget check comes with it).</summary>
    public static IServiceCollection AddNightshiftOrgs(this IServiceCollection services)
    {
        services.AddNightshiftOrgBudgets();
        services.TryAddSingleton<OrgService>();
        return services;
    }

    /// <summary>For every host that runs tasks (the server's worker and <c>nightshift worker</c>).</summary>
    public static IServiceCollection AddNightshiftOrgBudgets(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(OrgBudgetCache.Default);
        services.TryAddSingleton<OrgBudgetGuard>();
        services.TryAddSingleton<IModelCallBudget>(sp => sp.GetRequiredService<OrgBudgetGuard>());
        return services;
    }
}
