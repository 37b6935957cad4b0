using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Nightshift.Agent.Execution;
using Nightshift.Core.Configuration;
using Nightshift.Core.Execution;
using Nightshift.Core.Forges;
using Nightshift.Forges;
using Nightshift.Models;
using Nightshift.Sandbox;
using Nightshift.Workspaces;

namespace Nightshift.Agent;

public static class AgentServiceCollectionExtensions
{
    /// <summary>
    /// Registers the agent as the task executor, with the sandbox, workspaces, the model factory and the local forge.
    /// Replaces any executor registered before.
    /// </summary>
    public static IServiceCollection AddNightshiftAgent(this IServiceCollection services)
    {
        services.AddNightshiftSandbox();
        services.AddNightshiftWorkspaces();
        services.AddOptions<AgentOptions>().BindConfiguration(AgentOptions.SectionName);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new ChatClientFactory(timeProvider: sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IAgentModels>(sp => new FactoryAgentModels(sp.GetRequiredService<ChatClientFactory>()));
        services.TryAddSingleton<IForge>(sp => new LocalForge(
            NightshiftPaths.ResolveDataDirectory(sp.GetRequiredService<IOptions<WorkspaceOptions>>().Value.DataDirectory),
            sp.GetRequiredService<TimeProvider>()));
        services.RemoveAll<ITaskExecutor>();
        services.AddSingleton<ITaskExecutor, AgentTaskExecutor>();
        return services;
    }
}
