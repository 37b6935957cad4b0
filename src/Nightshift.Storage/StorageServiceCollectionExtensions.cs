using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nightshift.Core.Configuration;
using Nightshift.Core.Execution;

namespace Nightshift.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="INightshiftStore"/> and its parts (<see cref="ITaskStore"/>, <see cref="ITaskQueue"/>,
    /// <see cref="IEventLog"/>) as one singleton, opened and migrated on first use from <see cref="StoreOptions"/>
    /// (its DataDirectory and Database, else NIGHTSHIFT_DATA and NIGHTSHIFT_DB).
    /// </summary>
    public static IServiceCollection AddNightshiftStorage(this IServiceCollection services, Action<StoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<StoreOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<INightshiftStore>(provider =>
        {
            var settings = provider.GetRequiredService<IOptions<StoreOptions>>().Value;
            var data = NightshiftPaths.ResolveDataDirectory(settings.DataDirectory);
            var database = settings.Database ?? Environment.GetEnvironmentVariable(NightshiftPaths.DatabaseVariable);
            // DI factories are synchronous; opening happens once, at the first resolution, before any request is served.
            return StoreFactory.OpenAsync(data, database, provider.GetRequiredService<TimeProvider>(), settings, provider.GetService<ILoggerFactory>())
                .GetAwaiter().GetResult();
        });
        services.TryAddSingleton<ITaskStore>(provider => provider.GetRequiredService<INightshiftStore>());
        services.TryAddSingleton<ITaskQueue>(provider => provider.GetRequiredService<INightshiftStore>());
        services.TryAddSingleton<IEventLog>(provider => provider.GetRequiredService<INightshiftStore>());
        services.TryAddSingleton<Outbound.IOutboundStore>(provider => provider.GetRequiredService<INightshiftStore>());
        services.TryAddSingleton<Pipelines.IPipelineStore>(provider => provider.GetRequiredService<INightshiftStore>());
        services.TryAddSingleton<IFollowUpSource>(provider => new StoreFollowUpSource(provider.GetRequiredService<INightshiftStore>()));
        return services;
    }
}
