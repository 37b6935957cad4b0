using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Nightshift.Core.Teams;
using Nightshift.Server.Auth;
using Nightshift.Server.Problems;

namespace Nightshift.Server.Teams;

/// <summary><c>/api/v1/users</c>: the people and automations of the caller's organisation (admin only).</summary>
internal static class UsersApi
{
    public const string Prefix = "/api/v1/users";

    public static RouteGroupBuilder MapUsersApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(Prefix).WithTags("users").RequireScope(Scopes.Admin).AddEndpointFilter(TeamRequestFilter.InvokeAsync);
        group.MapGet("/", ListAsync).WithName("ListUsers");
        group.MapPost("/", CreateAsync).WithName("CreateUser");
        group.MapGet("/{id}", GetAsync).WithName("GetUser");
        group.MapPatch("/{id}", UpdateAsync).WithName("UpdateUser");
        return group;
    }

    private static async Task<Ok<UserListResponse>> ListAsync(HttpContext context, UserService users, CancellationToken cancellationToken)
    {
        var list = await users.ListAsync(context.Caller(), cancellationToken);
        return TypedResults.Ok(new UserListResponse([.. list.Select(UserView.From)]));
    }

    private static async Task<Created<UserView>> CreateAsync(
        [FromBody] JsonElement body, HttpContext context, UserService users, CancellationToken cancellationToken)
    {
        var request = UserRequestReader.ReadCreate(body);
        var user = await users.CreateAsync(context.Caller(), request, cancellationToken);
        return TypedResults.Created($"{Prefix}/{user.Id}", UserView.From(user));
    }

    private static async Task<Results<Ok<UserView>, ProblemHttpResult>> GetAsync(
        string id, HttpContext context, UserService users, CancellationToken cancellationToken) =>
        await users.FindAsync(context.Caller(), id, cancellationToken) is { } user ? TypedResults.Ok(UserView.From(user)) : Unknown(id);

    private static async Task<Results<Ok<UserView>, ProblemHttpResult>> UpdateAsync(
        string id, [FromBody] JsonElement body, HttpContext context, UserService users, CancellationToken cancellationToken)
    {
        var patch = UserRequestReader.ReadPatch(body);
        return await users.UpdateAsync(context.Caller(), id, patch, cancellationToken) is { } user ? TypedResults.Ok(UserView.From(user)) : Unknown(id);
    }

    private static ProblemHttpResult Unknown(string id) =>
        Problem.NotFound($"there is no user '{JsonFields.Clip(id)}'; list the users with GET {Prefix} or `nightshift user ls`");
}
