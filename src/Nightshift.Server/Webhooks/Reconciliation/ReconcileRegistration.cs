using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Nightshift.Server.Webhooks.Reconciliation;

/// <summary>Reconciliation's settings, the intake wrapped to note which repositories send deliveries, and the round's background service.</summary>
internal static class ReconcileRegistration
{
    /// <summary>Call after the intake is registered: it is wrapped.</summary>
    public static IServiceCollection AddWebhookReconciliation(this IServiceCollection services)
    {
        services.AddOptions<ReconcileOptions>().BindConfiguration(ReconcileOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ReconcileOptions>, ReconcileOptionsValidator>());
        services.AddSingleton<WebhookActivity>();
        services.AddSingleton<WebhookIntake>();
        services.Replace(ServiceDescriptor.Singleton<IWebhookIntake>(sp =>
            new ObservedWebhookIntake(sp.GetRequiredService<WebhookIntake>(), sp.GetRequiredService<WebhookActivity>(), sp.GetRequiredService<TimeProvider>())));
        services.AddSingleton<WebhookReconciler>();
        services.AddHostedService<WebhookReconcileService>();
        return services;
    }
}
