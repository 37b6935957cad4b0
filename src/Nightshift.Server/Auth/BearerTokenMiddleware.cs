using Microsoft.AspNetCore.Http.HttpResults;
using Nightshift.Server.Dashboard;
using Nightshift.Server.Problems;
using Nightshift.Server.Webhooks;

namespace Nightshift.Server.Auth;

/// <summary>
/// Lets a request through with <c>Authorization: Bearer &lt;token&gt;</c>, or with the dashboard's session cookie for
/// pages, form posts (which antiforgery also guards) and API reads (the browser's event stream and diff). A browser asking
/// for a page without either is sent to the sign-in page; everything else gets a 401 problem. The health check, the API
/// description, the sign-in page and static assets are public; the webhook routes check the forge's signature themselves.
/// </summary>
internal sealed class BearerTokenMiddleware(RequestDelegate next, ApiTokenAuthority tokens, DashboardSession sessions)
{
    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (IsPublic(request.Path))
        {
            return next(context);
        }

        var presented = BearerToken.From(request);
        if (tokens.IsValid(presented))
        {
            return next(context);
        }

        var isApi = request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase);
        if (presented is null && sessions.IsValid(request) && (!isApi || HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)))
        {
            return next(context);
        }

        if (presented is null && !isApi && HttpMethods.IsGet(request.Method) && WantsHtml(request))
        {
            context.Response.Redirect(SignInLink.For(request.Path + request.QueryString));
            return Task.CompletedTask;
        }

        context.Response.Headers.WWWAuthenticate = "Bearer";
        var detail = presented is null
            ? $"this route needs the API token: send the header 'Authorization: Bearer <token>' with {tokens.WhereToFindIt}"
            : $"the bearer token sent is not this server's API token: use {tokens.WhereToFindIt}";
        return Problem.Create(StatusCodes.Status401Unauthorized, "API token missing or wrong", detail).ExecuteAsync(context);
    }

    private static bool WantsHtml(HttpRequest request) =>
        request.Headers.Accept.Any(a => a is not null && a.Contains("text/html", StringComparison.OrdinalIgnoreCase));

    private static bool IsPublic(PathString path) =>
        path.Equals("/health", StringComparison.OrdinalIgnoreCase)
        || path.StartsWithSegments("/openapi", StringComparison.OrdinalIgnoreCase)
        || path.Equals(SignInLink.Path, StringComparison.OrdinalIgnoreCase)
        || path.StartsWithSegments(EmbeddedAssets.RequestPath, StringComparison.OrdinalIgnoreCase)
        || path.Equals("/favicon.ico", StringComparison.OrdinalIgnoreCase)
        // Signed by the forge with the webhook's secret instead, checked by the route itself.
        || WebhooksApi.IsForgeRoute(path);
}
