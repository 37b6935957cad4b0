using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Nightshift.Server.Webhooks;

/// <summary>The inbound webhooks' settings and handlers.</summary>
internal static class WebhookRegistration
{
    public static IServiceCollection AddNightshiftWebhooks(this IServiceCollection services)
    {
        services.AddOptions<GitHubWebhookOptions>().BindConfiguration(GitHubWebhookOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GitHubWebhookOptions>, GitHubWebhookOptionsValidator>());
        services.AddSingleton<GitHubWebhookHandler>();
        services.AddOptions<GiteaWebhookOptions>().BindConfiguration(GiteaWebhookOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GiteaWebhookOptions>, GiteaWebhookOptionsValidator>());
        services.AddSingleton<GiteaWebhookHandler>();
        return services;
    }
}
