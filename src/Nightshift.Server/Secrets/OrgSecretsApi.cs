using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Nightshift.Core.Teams;
using Nightshift.Server.Auth;
using Nightshift.Server.Problems;

namespace Nightshift.Server.Secrets;

/// <summary>
/// <c>/api/v1/orgs/{id}/secrets</c>: an organisation's secrets, write-only. Values go in encrypted and never come back
/// out; listing shows names and times. Needs <c>admin</c> in that organisation (or the installation's admin); any other
/// organisation's id is answered exactly as one that does not exist.
/// </summary>
internal static class OrgSecretsApi
{
    public const string Prefix = "/api/v1/orgs/{orgId}/secrets";

    public static RouteGroupBuilder MapOrgSecretsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(Prefix).WithTags("secrets").RequireScope(Scopes.Admin);
        group.MapGet("/", ListAsync).WithName("ListOrgSecrets");
        group.MapPut("/{name}", PutAsync).WithName("PutOrgSecret");
        group.MapDelete("/{name}", DeleteAsync).WithName("DeleteOrgSecret");
        return group;
    }

    private static async Task<Results<Ok<SecretListResponse>, ProblemHttpResult>> ListAsync(
        string orgId, HttpContext context, OrgSecretService secrets, CancellationToken cancellationToken)
    {
        if (!await secrets.MayManageAsync(context.Caller(), orgId, cancellationToken))
        {
            return UnknownOrg(orgId);
        }
        var list = await secrets.ListAsync(orgId, cancellationToken);
        return TypedResults.Ok(new SecretListResponse(orgId, [.. list.Select(SecretView.From)], SecretNames.Known));
    }

    private static async Task<Results<Created<SecretView>, Ok<SecretView>, ProblemHttpResult>> PutAsync(
        string orgId, string name, [FromBody] JsonElement body, HttpContext context, OrgSecretService secrets, CancellationToken cancellationToken)
    {
        var caller = context.Caller();
        if (!await secrets.MayManageAsync(caller, orgId, cancellationToken))
        {
            return UnknownOrg(orgId);
        }
        SecretNames.Check(name);
        var value = SecretValueReader.Read(body);
        var (info, created) = await secrets.PutAsync(orgId, name, value, caller, cancellationToken);
        var view = SecretView.From(info);
        if (created)
        {
            return TypedResults.Created($"/api/v1/orgs/{orgId}/secrets/{name}", view);
        }
        return TypedResults.Ok(view);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        string orgId, string name, HttpContext context, OrgSecretService secrets, CancellationToken cancellationToken)
    {
        var caller = context.Caller();
        if (!await secrets.MayManageAsync(caller, orgId, cancellationToken))
        {
            return UnknownOrg(orgId);
        }
        if (await secrets.DeleteAsync(orgId, name, caller, cancellationToken))
        {
            return TypedResults.NoContent();
        }
        return Problem.NotFound($"organisation '{Clip(orgId)}' has no secret '{Clip(name)}'; list its secrets with GET /api/v1/orgs/{{id}}/secrets or `nightshift secret ls`");
    }

    private static ProblemHttpResult UnknownOrg(string orgId) =>
        Problem.NotFound($"there is no organisation '{Clip(orgId)}'; your own is shown by GET /api/v1/me");

    private static string Clip(string value)
    {
        var clean = new string(value.Select(c => char.IsControl(c) ? '?' : c).ToArray());
        return clean.Length <= 64 ? clean : clean[..64] + "…";
    }
}
