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
        services.AddOptions<GitLabWebhookOptions>().BindConfiguration(GitLabWebhookOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GitLabWebhookOptions>, GitLabWebhookOptionsValidator>());
        services.AddSingleton<GitLabWebhookHandler>();
        return services;
    }
}
