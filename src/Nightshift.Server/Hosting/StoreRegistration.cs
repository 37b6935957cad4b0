using Nightshift.Core.Errors;
using Nightshift.Storage;

namespace Nightshift.Server.Hosting;

internal static class StoreRegistration
{
    public static void Add(IServiceCollection services, NightshiftServerOptions options) =>
        services.AddSingleton<INightshiftStore>(_ => throw new StoreConfigurationException("the store is not available in this build yet"));
}
