using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Nightshift.Server.ForgeStatus;

/// <summary>The status notices to forges: their settings, and the reporter when <c>Webhooks:Status:Enabled</c> is on.</summary>
internal static class ForgeStatusRegistration
{
    public static IServiceCollection AddNightshiftForgeStatus(this IServiceCollection services)
    {
        services.AddOptions<ForgeStatusOptions>().BindConfiguration(ForgeStatusOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ForgeStatusOptions>, ForgeStatusOptionsValidator>());
        services.AddSingleton<ForgeStatusReporter>();
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<IOptions<ForgeStatusOptions>>().Value.Enabled
            ? sp.GetRequiredService<ForgeStatusReporter>()
            : new DisabledService());
        return services;
    }

    private sealed class DisabledService : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
