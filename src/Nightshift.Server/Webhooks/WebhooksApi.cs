using Nightshift.Server.Auth;

namespace Nightshift.Server.Webhooks;

/// <summary>
/// The inbound webhook routes under <c>/webhooks</c>. They sit outside the bearer-token API: each forge proves a
/// delivery by signing it with the webhook's secret instead.
/// </summary>
internal static class WebhooksApi
{
    public const string Prefix = "/webhooks";

    private static readonly string[] ForgeRoutes = ["/github", "/gitlab", "/gitea"];

    /// <summary>Exactly the forge routes: <c>/webhooks</c> itself is the dashboard's (signed-in) page of outbound endpoints.</summary>
    public static bool IsForgeRoute(PathString path) =>
        path.StartsWithSegments(Prefix, StringComparison.OrdinalIgnoreCase, out var rest)
        && ForgeRoutes.Any(route => rest.Equals(route, StringComparison.OrdinalIgnoreCase));

    public static RouteGroupBuilder MapWebhooksApi(this IEndpointRouteBuilder app)
    {
        // Public: each forge proves a delivery with the webhook's signature, checked by its handler.
        var group = app.MapGroup(Prefix).WithTags("webhooks").PublicRoute();
        group.MapPost("/github", (HttpRequest request, GitHubWebhookHandler handler, CancellationToken cancellationToken) =>
            handler.HandleAsync(request, cancellationToken)).WithName("GitHubWebhook").DisableAntiforgery();
        group.MapPost("/gitlab", (HttpRequest request, GitLabWebhookHandler handler, CancellationToken cancellationToken) =>
            handler.HandleAsync(request, cancellationToken)).WithName("GitLabWebhook").DisableAntiforgery();
        group.MapPost("/gitea", (HttpRequest request, GiteaWebhookHandler handler, CancellationToken cancellationToken) =>
            handler.HandleAsync(request, cancellationToken)).WithName("GiteaWebhook").DisableAntiforgery();
        return group;
    }
}
