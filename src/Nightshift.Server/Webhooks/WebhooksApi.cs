namespace Nightshift.Server.Webhooks;

/// <summary>
/// The inbound webhook routes under <c>/webhooks</c>. They sit outside the bearer-token API: each forge proves a
/// delivery by signing it with the webhook's secret instead.
/// </summary>
internal static class WebhooksApi
{
    public const string Prefix = "/webhooks";

    public static RouteGroupBuilder MapWebhooksApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(Prefix).WithTags("webhooks");
        group.MapPost("/github", (HttpRequest request, GitHubWebhookHandler handler, CancellationToken cancellationToken) =>
            handler.HandleAsync(request, cancellationToken)).WithName("GitHubWebhook").DisableAntiforgery();
        group.MapPost("/gitlab", (HttpRequest request, GitLabWebhookHandler handler, CancellationToken cancellationToken) =>
            handler.HandleAsync(request, cancellationToken)).WithName("GitLabWebhook").DisableAntiforgery();
        group.MapPost("/gitea", (HttpRequest request, GiteaWebhookHandler handler, CancellationToken cancellationToken) =>
            handler.HandleAsync(request, cancellationToken)).WithName("GiteaWebhook").DisableAntiforgery();
        return group;
    }
}
