using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Nightshift.Server.Pipelines.Api;

public static class PipelinesApiRegistration
{
    /// <summary>The services behind <see cref="PipelinesApi"/>: <see cref="PipelineService"/> and the stream's options.</summary>
    public static IServiceCollection AddNightshiftPipelinesApi(this IServiceCollection services)
    {
        services.AddSingleton<PipelineService>();
        services.TryAddSingleton<RepositoryPipelineReader>();
        services.AddOptions<PipelineApiOptions>();
        return services;
    }
}
