using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Nightshift.Sandbox.Internal;

namespace Nightshift.Sandbox;

public static class SandboxServiceCollectionExtensions
{
    /// <summary>Registers <see cref="ISandbox"/> (bubblewrap), <see cref="SandboxProbe"/> and the <c>Sandbox</c> options section.</summary>
    public static IServiceCollection AddNightshiftSandbox(this IServiceCollection services)
    {
        services.AddOptions<SandboxOptions>().BindConfiguration(SandboxOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SandboxOptions>, SandboxOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<BubblewrapSandbox>();
        services.TryAddSingleton<ISandbox>(sp => sp.GetRequiredService<BubblewrapSandbox>());
        services.TryAddSingleton<SandboxProbe>();
        return services;
    }
}
