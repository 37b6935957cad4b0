using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Nightshift.Core.Teams;
using Nightshift.Server.Auth;
using Nightshift.Server.Problems;

namespace Nightshift.Server.Orgs;

/// <summary>
/// <c>/api/v1/orgs</c>: organisations, their quotas and allowed repositories, and the kill switch. Every route needs
/// the <c>admin</c> scope; creating organisations and listing all of them needs the installation admin (an admin of
/// <c>default</c>). Another organisation's id is answered like a missing one (404), never 403.
/// </summary>
internal static class OrgsApi
{
    public const string Prefix = "/api/v1/orgs";

    public static RouteGroupBuilder MapOrgsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(Prefix).WithTags("organisations").RequireScope(Scopes.Admin);
        group.MapGet("/", ListAsync).WithName("ListOrgs");
        group.MapPost("/", CreateAsync).WithName("CreateOrg");
        group.MapGet("/{id}", GetAsync).WithName("GetOrg");
        group.MapPatch("/{id}", UpdateAsync).WithName("UpdateOrg");
        group.MapPost("/{id}/kill", KillAsync).WithName("KillOrg");
        return group;
    }

    private static async Task<Ok<OrgListResponse>> ListAsync(HttpContext http, OrgService orgs, CancellationToken cancellationToken)
    {
        var all = await orgs.ListAsync(http.Caller(), cancellationToken);
        return TypedResults.Ok(new OrgListResponse([.. all.Select(OrgView.From)]));
    }

    private static async Task<Results<Created<OrgCreatedResponse>, ProblemHttpResult>> CreateAsync(
        HttpContext http, [FromBody] JsonElement body, OrgService orgs, CancellationToken cancellationToken)
    {
        var caller = http.Caller();
        if (!caller.IsInstallationAdmin)
        {
            return Problem.Create(StatusCodes.Status403Forbidden, "Not allowed",
                "only an admin of the 'default' organisation (the installation admin) may create organisations; ask them to run `nightshift org create`");
        }
        var request = OrgRequestReader.ReadCreate(body);
        if (await orgs.CreateAsync(caller, request, cancellationToken) is not { } created)
        {
            return Problem.Conflict("the organisation exists",
                $"there is already an organisation '{request.Id}'; pick another id, or change that one with PATCH {Prefix}/{request.Id}");
        }
        var view = OrgView.From(created.Org);
        return TypedResults.Created($"{Prefix}/{created.Org.Id}", new OrgCreatedResponse(
            view.Id, view.Name, view.Quotas, view.AllowedRepos, view.CreatedAt, view.UpdatedAt, created.Admin.Id, created.Token.Id, created.TokenValue));
    }

    private static async Task<Results<Ok<OrgView>, ProblemHttpResult>> GetAsync(
        HttpContext http, string id, OrgService orgs, CancellationToken cancellationToken) =>
        await orgs.GetAsync(http.Caller(), id, cancellationToken) is { } org ? TypedResults.Ok(OrgView.From(org)) : Unknown(id);

    private static async Task<Results<Ok<OrgView>, ProblemHttpResult>> UpdateAsync(
        HttpContext http, string id, [FromBody] JsonElement body, OrgService orgs, CancellationToken cancellationToken)
    {
        var caller = http.Caller();
        // Unknown and foreign ids first: a body's mistakes must not tell whether another organisation exists.
        if (await orgs.GetAsync(caller, id, cancellationToken) is null)
        {
            return Unknown(id);
        }
        var request = OrgRequestReader.ReadPatch(body);
        return await orgs.UpdateAsync(caller, id, request, cancellationToken) is { } updated ? TypedResults.Ok(OrgView.From(updated)) : Unknown(id);
    }

    private static async Task<Results<Ok<OrgKillResponse>, ProblemHttpResult>> KillAsync(
        HttpContext http,
        string id,
        [FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] JsonElement? body,
        OrgService orgs,
        CancellationToken cancellationToken)
    {
        var caller = http.Caller();
        if (await orgs.GetAsync(caller, id, cancellationToken) is null)
        {
            return Unknown(id);
        }
        var reason = OrgRequestReader.ReadKill(body);
        return await orgs.KillAsync(caller, id, reason, cancellationToken) is { } killed ? TypedResults.Ok(killed) : Unknown(id);
    }

    /// <summary>The same answer for a missing organisation and another organisation's.</summary>
    private static ProblemHttpResult Unknown(string id) =>
        Problem.NotFound($"there is no organisation '{OrgRequestReader.Clip(id)}' that you can see; list yours with GET {Prefix} or `nightshift org ls`");
}
