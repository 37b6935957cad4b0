using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Nightshift.Workspaces.Internal;
using Nightshift.Workspaces.Repositories;
using Nightshift.Workspaces.SetupCache;
using Nightshift.Workspaces.Subtasks;

namespace Nightshift.Workspaces;

public static class WorkspacesServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="RepositoryPolicy"/>, <see cref="WorkspaceServices"/> with its <see cref="ITaskWorkspaces"/> and
    /// <see cref="ISubtaskWorkspaces"/>, <see cref="WorkspaceCollector"/> and the background collector, with options bound
    /// from the <c>Repositories</c> and <c>Workspaces</c> sections, and the <see cref="SetupCacheStore"/> (<c>Sandbox:SetupCache</c>).
    /// </summary>
    public static IServiceCollection AddNightshiftWorkspaces(this IServiceCollection services)
    {
        services.AddOptions<RepositoryOptions>().BindConfiguration(RepositoryOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RepositoryOptions>, RepositoryOptionsValidator>());
        services.AddOptions<WorkspaceOptions>().BindConfiguration(WorkspaceOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WorkspaceOptions>, WorkspaceOptionsValidator>());
        services.AddOptions<SetupCacheOptions>().BindConfiguration(SetupCacheOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SetupCacheOptions>, SetupCacheOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<RepositoryPolicy>();
        services.TryAddSingleton<SetupCacheStore>();
        services.TryAddSingleton<WorkspaceServices>();
        services.TryAddSingleton(sp => sp.GetRequiredService<WorkspaceServices>().Tasks);
        services.TryAddSingleton(sp => sp.GetRequiredService<WorkspaceServices>().Subtasks);
        services.TryAddSingleton<IRepositoryFiles>(sp => sp.GetRequiredService<WorkspaceServices>().TaskWorktrees);
        services.TryAddSingleton<WorkspaceCollector>();
        services.AddHostedService<WorkspaceCollectorService>();
        return services;
    }
}
