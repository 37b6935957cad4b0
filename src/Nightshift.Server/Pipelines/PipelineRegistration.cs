using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Nightshift.Server.Pipelines;

/// <summary>The <c>Pipelines</c> settings and the coordinator (runs and schedules) of a server.</summary>
internal static class PipelineRegistration
{
    public static IServiceCollection AddNightshiftPipelines(this IServiceCollection services)
    {
        services.AddOptions<PipelineOptions>().BindConfiguration(PipelineOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PipelineOptions>, PipelineOptionsValidator>());
        services.TryAddSingleton<StepTaskReader>();
        services.TryAddSingleton<RepositoryPipelineReader>();
        services.TryAddSingleton<PipelineRunner>();
        services.TryAddSingleton<PipelineScheduler>();
        services.TryAddSingleton<PipelineCoordinator>();
        services.AddHostedService(sp => sp.GetRequiredService<PipelineCoordinator>());
        return services;
    }
}
