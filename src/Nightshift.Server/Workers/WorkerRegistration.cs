using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Nightshift.Server.Hosting;

namespace Nightshift.Server.Workers;

/// <summary>Registers the worker with its settings (<c>Worker</c> and <c>Queue</c> sections), checked at start.</summary>
internal static class WorkerRegistration
{
    public static void Add(IServiceCollection services, NightshiftServerOptions server)
    {
        services.AddOptions<WorkerSettings>().BindConfiguration(WorkerSettings.SectionName).ValidateOnStart();
        services.AddOptions<QueueSettings>().BindConfiguration(QueueSettings.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WorkerSettings>, WorkerSettingsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<QueueSettings>, WorkerSettingsValidator>());
        services.AddSingleton(sp => WorkerOptions.From(
            server,
            sp.GetRequiredService<IOptions<WorkerSettings>>().Value,
            sp.GetRequiredService<IOptions<QueueSettings>>().Value));
        services.AddHostedService<WorkerService>();
    }
}
