using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nightshift.Core.Forges;
using Nightshift.Core.Teams;
using Nightshift.Forges.Configuration;

namespace Nightshift.Forges;

public static class ForgesServiceCollectionExtensions
{
    /// <summary>
    /// Binds and validates the Forges section (a bad entry stops the host at start, naming the setting) and registers
    /// the <see cref="IForgeResolver"/>, whose fallback is the <see cref="IForge"/> registered before (the local forge).
    /// </summary>
    public static IServiceCollection AddNightshiftForges(this IServiceCollection services)
    {
        services.AddOptions<ForgesOptions>().BindConfiguration(ForgesOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ForgesOptions>, ForgesOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IForgeResolver>(sp => new ForgeResolver(
            sp.GetRequiredService<IForge>(),
            sp.GetRequiredService<IOptions<ForgesOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>(),
            orgSecrets: sp.GetService<IOrgSecrets>()));
        return services;
    }
}
