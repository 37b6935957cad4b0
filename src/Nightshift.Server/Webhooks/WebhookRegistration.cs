using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Nightshift.Server.Webhooks.Reconciliation;

namespace Nightshift.Server.Webhooks;

/// <summary>The inbound webhooks' settings and handlers, the intake and the trigger processor.</summary>
internal static class WebhookRegistration
{
    public static IServiceCollection AddNightshiftWebhooks(this IServiceCollection services)
    {
        services.AddOptions<GitHubWebhookOptions>().BindConfiguration(GitHubWebhookOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GitHubWebhookOptions>, GitHubWebhookOptionsValidator>());
        services.AddOptions<TriggerOptions>().BindConfiguration(TriggerOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TriggerOptions>, TriggerOptionsValidator>());
        services.AddSingleton<GitHubWebhookHandler>();
        services.AddOptions<GitLabWebhookOptions>().BindConfiguration(GitLabWebhookOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GitLabWebhookOptions>, GitLabWebhookOptionsValidator>());
        services.AddSingleton<GitLabWebhookHandler>();
        services.AddOptions<GiteaWebhookOptions>().BindConfiguration(GiteaWebhookOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GiteaWebhookOptions>, GiteaWebhookOptionsValidator>());
        services.AddSingleton<GiteaWebhookHandler>();
        services.AddSingleton<TriggerSignal>();
        services.AddSingleton<IWebhookIntake, WebhookIntake>();
        services.AddSingleton<PermissionCache>();
        services.AddSingleton<TriggerProcessor>();
        services.AddHostedService(sp => sp.GetRequiredService<TriggerProcessor>());
        services.AddWebhookReconciliation();
        return services;
    }
}
