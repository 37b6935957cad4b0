using Nightshift.Server.Problems;

namespace Nightshift.Server.Auth;

/// <summary>
/// Lets a request through when its route is public (<see cref="PublicRouteMarker"/>) or it has a caller with the route's
/// <see cref="ScopeRequirement"/>. A browser asking for a page without a caller is sent to the sign-in page; everything
/// else without one gets a 401 problem saying why, and a caller lacking the scope a 403 problem naming it.
/// </summary>
internal sealed class CallerGate(RequestDelegate next, ApiTokenAuthority bootstrap)
{
    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        var endpoint = context.GetEndpoint();
        if (BearerTokenMiddleware.IsAsset(request.Path) || endpoint?.Metadata.GetMetadata<PublicRouteMarker>() is not null)
        {
            return next(context);
        }

        if (context.CallerOrNull() is not { } caller)
        {
            var isApi = request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase);
            var refusal = context.Features.Get<AuthRefusal>();
            if (BearerToken.From(request) is null && !isApi && HttpMethods.IsGet(request.Method) && WantsHtml(request))
            {
                context.Response.Redirect(SignInLink.For(request.Path + request.QueryString));
                return Task.CompletedTask;
            }
            context.Response.Headers.WWWAuthenticate = "Bearer";
            var detail = refusal?.Detail
                ?? $"this route needs an API token: send the header 'Authorization: Bearer <token>' (the first admin's token is {bootstrap.WhereToFindIt})";
            return Problem.Create(StatusCodes.Status401Unauthorized, "API token missing or refused", detail).ExecuteAsync(context);
        }

        var required = endpoint?.Metadata.GetMetadata<ScopeRequirement>();
        if (required is not null && !caller.Has(required.Scope))
        {
            return Problem.Create(StatusCodes.Status403Forbidden, "Not allowed", Forbidden(caller, required.Scope)).ExecuteAsync(context);
        }
        return next(context);
    }

    /// <summary>Why a caller may not do something, and what to do about it.</summary>
    internal static string Forbidden(Core.Teams.Caller caller, string scope) => caller.TokenId is null
        ? $"this needs the scope '{scope}', which your role ({Core.Teams.TeamRoles.Name(caller.Role)}) does not grant: ask an admin of your organisation"
        : $"this needs the scope '{scope}', which your token does not have (or your role, {Core.Teams.TeamRoles.Name(caller.Role)}, no longer grants): use a token that has it (nightshift token create) or ask an admin of your organisation";

    private static bool WantsHtml(HttpRequest request) =>
        request.Headers.Accept.Any(a => a is not null && a.Contains("text/html", StringComparison.OrdinalIgnoreCase));
}
