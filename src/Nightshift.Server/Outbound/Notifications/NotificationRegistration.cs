using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Nightshift.Server.Outbound.Notifications;

/// <summary>Email and chat notifications: the <c>Notifications</c> settings, a sender per channel, and the sync of the configured endpoints at start.</summary>
internal static class NotificationRegistration
{
    public static IServiceCollection AddNightshiftNotifications(this IServiceCollection services)
    {
        services.AddOptions<NotificationOptions>().BindConfiguration(NotificationOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<NotificationOptions>, NotificationOptionsValidator>());
        services.AddHttpClient();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IOutboundSender, EmailSender>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IOutboundSender, SlackSender>());
        services.AddHostedService<ConfiguredEndpointSync>();
        return services;
    }
}
