using Microsoft.AspNetCore.Http.HttpResults;
using Nightshift.Server.Problems;

namespace Nightshift.Server.Auth;

/// <summary>Lets a request through only with <c>Authorization: Bearer &lt;token&gt;</c>, except for the health check and the API description.</summary>
internal sealed class BearerTokenMiddleware(RequestDelegate next, ApiTokenAuthority tokens)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (IsPublic(context.Request.Path))
        {
            return next(context);
        }

        var presented = BearerToken.From(context.Request);
        if (tokens.IsValid(presented))
        {
            return next(context);
        }

        context.Response.Headers.WWWAuthenticate = "Bearer";
        var detail = presented is null
            ? $"this route needs the API token: send the header 'Authorization: Bearer <token>' with {tokens.WhereToFindIt}"
            : $"the bearer token sent is not this server's API token: use {tokens.WhereToFindIt}";
        return Problem.Create(StatusCodes.Status401Unauthorized, "API token missing or wrong", detail).ExecuteAsync(context);
    }

    private static bool IsPublic(PathString path) =>
        path.Equals("/health", StringComparison.OrdinalIgnoreCase)
        || path.StartsWithSegments("/openapi", StringComparison.OrdinalIgnoreCase);
}
