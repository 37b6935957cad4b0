using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Routing.Patterns;
using Nightshift.Server.Auth;

namespace Nightshift.Server.Audit;

/// <summary>
/// Records one audit entry for every state-changing request that reached an endpoint: POST, PUT, PATCH and DELETE under
/// <c>/api</c> and the dashboard's form posts (the sign-in included). It runs around authentication, so a request refused
/// for lack of a scope is recorded too (403), and writes after the response has gone. It reads the route, the status,
/// the Location header and, for dashboard webhook actions, the endpoint id field; never a body, never a secret.
/// </summary>
internal sealed class AuditMiddleware(RequestDelegate next, AuditLog audit)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var plan = Plan(context);
        if (plan is null)
        {
            await next(context);
            return;
        }
        var (action, pattern) = plan.Value;
        // Taken before the handler runs: the exception handler clears route values when it answers a failure.
        var routeValues = pattern.Parameters
            .Select(p => context.Request.RouteValues.TryGetValue(p.Name, out var v) ? (p.Name, Value: v?.ToString()) : (p.Name, Value: null))
            .Where(p => p.Value is not null)
            .ToList();
        context.Response.OnCompleted(() => RecordAsync(context, action, pattern, routeValues!));
        await next(context);
    }

    private static (AuditAction Action, RoutePattern Pattern)? Plan(HttpContext context)
    {
        var request = context.Request;
        if (!AuditActions.IsMutating(request.Method) || context.GetEndpoint() is not RouteEndpoint endpoint)
        {
            return null;
        }
        if (endpoint.Metadata.GetMetadata<PageActionDescriptor>() is not null)
        {
            var handler = request.RouteValues.TryGetValue("handler", out var routeHandler) && routeHandler is not null
                ? routeHandler.ToString()
                : request.Query["handler"].FirstOrDefault();
            return (AuditActions.ForPage(endpoint.RoutePattern, handler) ?? AuditActions.Fallback(request.Method), endpoint.RoutePattern);
        }
        if (!request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        return (AuditActions.ForApi(request.Method, endpoint.RoutePattern) ?? AuditActions.Fallback(request.Method), endpoint.RoutePattern);
    }

    private async Task RecordAsync(HttpContext context, AuditAction action, RoutePattern pattern, List<(string Name, string Value)> routeValues)
    {
        var caller = context.CallerOrNull();
        var status = context.Response.StatusCode;
        // Without a caller only a sign-in is worth a line; anything else was refused before it reached its endpoint.
        if (caller is null && action.Name != "session.signin")
        {
            return;
        }
        var detail = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["method"] = context.Request.Method.ToUpperInvariant(),
            ["route"] = "/" + (pattern.RawText ?? "").TrimStart('/'),
        };
        if (caller is not null && caller.Via != "token")
        {
            detail["via"] = caller.Via;
        }
        await audit.RecordAsync(
            caller,
            action.Name,
            Target(context, action.Target, routeValues, status),
            status,
            context.Connection.RemoteIpAddress?.ToString(),
            detail,
            CancellationToken.None);
    }

    private static string? Target(HttpContext context, AuditTarget target, List<(string Name, string Value)> routeValues, int status) => target switch
    {
        AuditTarget.Route => routeValues.FirstOrDefault(v => v.Name == "id").Value ?? routeValues.LastOrDefault().Value,
        AuditTarget.LastRouteValue => routeValues.LastOrDefault().Value,
        AuditTarget.Created => status is >= 200 and < 400 ? LastSegment(context.Response.Headers.Location.FirstOrDefault()) : null,
        AuditTarget.EndpointField => EndpointField(context),
        _ => null,
    };

    private static string? LastSegment(string? location)
    {
        if (string.IsNullOrEmpty(location))
        {
            return null;
        }
        var path = location.Split('?', '#')[0].TrimEnd('/');
        var last = path[(path.LastIndexOf('/') + 1)..];
        return last.Length == 0 ? null : Uri.UnescapeDataString(last);
    }

    // Only a form the page itself already read; the middleware never reads a body.
    private static string? EndpointField(HttpContext context) =>
        context.Features.Get<IFormFeature>()?.Form is { } form && form["endpoint"].FirstOrDefault() is { Length: > 0 and <= 64 } id ? id : null;
}
