using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nightshift.Models.Selection;

namespace Nightshift.Models;

public static class ModelsServiceCollectionExtensions
{
    /// <summary>
    /// Registers one <see cref="ChatClientFactory"/> for the process, configured from the <c>Models</c> section
    /// (when a configuration is given) and the process environment.
    /// </summary>
    public static IServiceCollection AddNightshiftModels(this IServiceCollection services, IConfiguration? configuration = null, Action<ModelOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<ModelOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ModelOptions>, ModelOptionsValidator>());
        if (configuration is not null)
        {
            options.Bind(configuration.GetSection(ModelOptions.SectionName));
        }
        if (configure is not null)
        {
            options.Configure(configure);
        }
        services.AddSingleton(provider => new ChatClientFactory(
            provider.GetRequiredService<IOptions<ModelOptions>>().Value,
            ModelEnvironment.Process,
            provider.GetService<TimeProvider>(),
            provider.GetService<ILoggerFactory>()));
        return services;
    }
}
