using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Nightshift.Workspaces.Internal;
using Nightshift.Workspaces.Repositories;

namespace Nightshift.Workspaces;

public static class WorkspacesServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="RepositoryPolicy"/>, <see cref="WorkspaceManager"/>, <see cref="WorkspaceCollector"/> and the
    /// background collector, with options bound from the <c>Repositories</c> and <c>Workspaces</c> sections.
    /// </summary>
    public static IServiceCollection AddNightshiftWorkspaces(this IServiceCollection services)
    {
        services.AddOptions<RepositoryOptions>().BindConfiguration(RepositoryOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RepositoryOptions>, RepositoryOptionsValidator>());
        services.AddOptions<WorkspaceOptions>().BindConfiguration(WorkspaceOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WorkspaceOptions>, WorkspaceOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<RepositoryPolicy>();
        services.TryAddSingleton<WorkspaceManager>();
        services.TryAddSingleton<WorkspaceCollector>();
        services.AddHostedService<WorkspaceCollectorService>();
        return services;
    }
}
