using Microsoft.AspNetCore.Http.HttpResults;
using Nightshift.Core.Teams;

namespace Nightshift.Server.Auth;

/// <summary><c>GET /api/v1/me</c>: the caller's organisation, user, role and scopes (<c>nightshift whoami</c>).</summary>
internal static class MeApi
{
    public static RouteHandlerBuilder MapMeApi(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/v1/me", Me).WithTags("auth").WithName("GetMe").RequireCaller();

    private static Ok<MeResponse> Me(HttpContext context)
    {
        var caller = context.Caller();
        var scopes = Scopes.All.Where(caller.Scopes.Contains).ToList();
        return TypedResults.Ok(new MeResponse(caller.OrgId, caller.UserId, caller.UserName, caller.Role.Name(), scopes, caller.TokenId, caller.Via));
    }
}
