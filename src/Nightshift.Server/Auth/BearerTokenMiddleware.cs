using Nightshift.Server.Dashboard;

namespace Nightshift.Server.Auth;

/// <summary>
/// Finds out who is asking, refusing nothing itself: <c>Authorization: Bearer &lt;token&gt;</c> (any request), or the
/// dashboard's session cookie for pages, form posts (which antiforgery also guards) and API reads (the browser's event
/// stream and diff). The caller is set for the rate limiter and <see cref="CallerGate"/> after it; credentials that were
/// refused leave an <see cref="AuthRefusal"/> saying why.
/// </summary>
internal sealed class BearerTokenMiddleware(RequestDelegate next, CallerAuthenticator authenticator, DashboardSession sessions)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (IsAsset(request.Path))
        {
            await next(context);
            return;
        }
        var presented = BearerToken.From(request);
        if (presented is not null)
        {
            var outcome = await authenticator.AuthenticateTokenAsync(presented, context.RequestAborted);
            if (outcome.Caller is { } caller)
            {
                context.SetCaller(caller);
            }
            else
            {
                context.Features.Set(new AuthRefusal(outcome.Refusal!));
            }
        }
        else if (sessions.Read(request) is { } ticket && SessionMayCall(request))
        {
            if (await authenticator.AuthenticateSessionAsync(ticket, context.RequestAborted) is { } caller)
            {
                context.SetCaller(caller);
            }
            else
            {
                context.Features.Set(new AuthRefusal("this dashboard session is no longer valid (its user was disabled or removed): sign in again"));
            }
        }
        await next(context);
    }

    /// <summary>The cookie is for pages, and for reads of the API; an API write needs a token (CSRF without antiforgery).</summary>
    private static bool SessionMayCall(HttpRequest request) =>
        !request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase)
        || HttpMethods.IsGet(request.Method)
        || HttpMethods.IsHead(request.Method);

    internal static bool IsAsset(PathString path) =>
        path.StartsWithSegments(EmbeddedAssets.RequestPath, StringComparison.OrdinalIgnoreCase)
        || path.Equals("/favicon.ico", StringComparison.OrdinalIgnoreCase);
}
