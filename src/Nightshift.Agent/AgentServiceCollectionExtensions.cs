using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nightshift.Agent.Dag;
using Nightshift.Agent.Execution;
using Nightshift.Agent.RepoMap;
using Nightshift.Core.Configuration;
using Nightshift.Core.Execution;
using Nightshift.Core.Forges;
using Nightshift.Core.Teams;
using Nightshift.Forges;
using Nightshift.Models;
using Nightshift.Models.Selection;
using Nightshift.Sandbox;
using Nightshift.Workspaces;
using Nightshift.Workspaces.Subtasks;

namespace Nightshift.Agent;

public static class AgentServiceCollectionExtensions
{
    /// <summary>
    /// Registers the agent as the task executor (unless another executor was registered first, as tests do), with the
    /// sandbox, workspaces, the model factory, the forges (configured ones by repository host, the local forge otherwise), the repository map builder and the subtask scheduler:
    /// the parallel one (independent subtasks in worktrees of their own, merged) while <c>Agent:Dag:MaxParallelism</c>
    /// is above 1, the sequential one at 1 (register another <see cref="ISubtaskScheduler"/> first to replace it).
    /// Replay cassettes are read from <c>Models:ReplayDirectory</c>, by default the data folder's <c>replay</c> folder.
    /// </summary>
    public static IServiceCollection AddNightshiftAgent(this IServiceCollection services)
    {
        services.AddNightshiftSandbox();
        services.AddNightshiftWorkspaces();
        services.AddOptions<AgentOptions>().BindConfiguration(AgentOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AgentOptions>, AgentOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        // The Models section (models, keys' endpoints, prices, resilience, fallbacks, recording, replay folder) is
        // validated when the host starts; environment variables still win over it.
        services.AddNightshiftModels();
        services.AddOptions<ModelOptions>().PostConfigure<IOptions<WorkspaceOptions>>((models, workspaces) =>
            models.ReplayDirectory ??= Path.Combine(NightshiftPaths.ResolveDataDirectory(workspaces.Value.DataDirectory), "replay"));
        // An organisation's own provider keys (IOrgSecrets, when the host registers it) take the configured keys' place for its tasks.
        services.TryAddSingleton<IAgentModels>(sp => new FactoryAgentModels(sp.GetRequiredService<ChatClientFactory>(), sp.GetService<IOrgSecrets>()));
        services.TryAddSingleton<IForge>(sp => new LocalForge(sp.GetRequiredService<TimeProvider>()));
        // Configured forges (Forges:*) by repository host; the local forge above for everything else.
        services.AddNightshiftForges();
        // One map builder for the worker's life: its caches are what keep maps from being rebuilt per task.
        services.TryAddSingleton<RepoMapBuilder>();
        services.AddOptions<DagOptions>().BindConfiguration(DagOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DagOptions>, DagOptionsValidator>());
        services.TryAddSingleton<ISubtaskScheduler>(sp => sp.GetRequiredService<IOptions<DagOptions>>().Value.MaxParallelism > 1
            ? new ParallelSubtaskScheduler(
                sp.GetRequiredService<ISubtaskWorkspaces>(),
                sp.GetRequiredService<IOptions<DagOptions>>(),
                sp.GetRequiredService<ILogger<ParallelSubtaskScheduler>>())
            : new SequentialSubtaskScheduler());
        services.TryAddSingleton<ITaskExecutor, AgentTaskExecutor>();
        return services;
    }
}
