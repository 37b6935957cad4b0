using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Nightshift.Storage;

namespace Nightshift.Server.Hosting;

internal static class StoreRegistration
{
    /// <summary>
    /// The store from the options (tuning from the <c>Storage</c> configuration section), opened and migrated while the
    /// host starts, so a bad NIGHTSHIFT_DB stops the start instead of failing the first request.
    /// </summary>
    public static void Add(IServiceCollection services, NightshiftServerOptions options)
    {
        services.AddOptions<StoreOptions>().BindConfiguration(StoreOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StoreOptions>, StoreOptionsValidator>());
        services.AddNightshiftStorage(store =>
        {
            store.DataDirectory = options.DataDirectory;
            store.Database = options.Database;
            store.LeaseDuration = options.LeaseDuration;
        });
        services.AddHostedService<StoreWarmup>();
    }
}
