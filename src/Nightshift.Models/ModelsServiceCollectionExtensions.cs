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
    /// Registers one <see cref="ChatClientFactory"/> for the process, configured from the <c>Models</c> section (of
    /// <paramref name="configuration"/> when given, else of the registered <see cref="IConfiguration"/>), validated by
    /// <see cref="ModelOptionsValidator"/> when the host starts, and from the environment (<see cref="ModelEnvironment"/>;
    /// register another one first to replace the process's). Environment variables still win over the section.
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
        else
        {
            options.BindConfiguration(ModelOptions.SectionName);
        }
        if (configure is not null)
        {
            options.Configure(configure);
        }
        services.TryAddSingleton(ModelEnvironment.Process);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(provider => new ChatClientFactory(
            provider.GetRequiredService<IOptions<ModelOptions>>().Value,
            provider.GetRequiredService<ModelEnvironment>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetService<ILoggerFactory>()));
        return services;
    }
}
