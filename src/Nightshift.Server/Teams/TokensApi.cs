using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Nightshift.Core.Errors;
using Nightshift.Core.Teams;
using Nightshift.Server.Auth;
using Nightshift.Server.Problems;

namespace Nightshift.Server.Teams;

/// <summary>
/// <c>/api/v1/tokens</c>: a caller's own API tokens (and, with <c>admin</c>, every token of the organisation). The routes
/// need <c>tasks:read</c>, which every role has; what a token may hold is checked by <see cref="TokenService"/>.
/// </summary>
internal static class TokensApi
{
    public const string Prefix = "/api/v1/tokens";

    public static RouteGroupBuilder MapTokensApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(Prefix).WithTags("tokens").RequireScope(Scopes.TasksRead).AddEndpointFilter(TeamRequestFilter.InvokeAsync);
        group.MapGet("/", ListAsync).WithName("ListTokens");
        group.MapPost("/", CreateAsync).WithName("CreateToken");
        group.MapGet("/{id}", GetAsync).WithName("GetToken");
        group.MapDelete("/{id}", RevokeAsync).WithName("RevokeToken");
        return group;
    }

    private static async Task<Ok<TokenListResponse>> ListAsync(
        string? all, HttpContext context, TokenService tokens, CancellationToken cancellationToken)
    {
        var everyone = all?.Trim().ToLowerInvariant() switch
        {
            null or "" or "false" => false,
            "true" => true,
            _ => throw new ValidationException("all", $"'{JsonFields.Clip(all)}' is not true or false; pass all=true for every token of the organisation (admin only)"),
        };
        var list = await tokens.ListAsync(context.Caller(), everyone, cancellationToken);
        var now = tokens.Now;
        return TypedResults.Ok(new TokenListResponse([.. list.Select(t => TokenView.From(t, now))]));
    }

    private static async Task<Created<TokenCreatedResponse>> CreateAsync(
        [FromBody] JsonElement body, HttpContext context, TokenService tokens, CancellationToken cancellationToken)
    {
        var request = TokenRequestReader.Read(body, tokens.Now);
        var (record, token) = await tokens.CreateAsync(context.Caller(), request, cancellationToken);
        return TypedResults.Created($"{Prefix}/{record.Id}", TokenCreatedResponse.From(token, TokenView.From(record, tokens.Now)));
    }

    private static async Task<Results<Ok<TokenView>, ProblemHttpResult>> GetAsync(
        string id, HttpContext context, TokenService tokens, CancellationToken cancellationToken) =>
        await tokens.FindAsync(context.Caller(), id, cancellationToken) is { } token
            ? TypedResults.Ok(TokenView.From(token, tokens.Now))
            : Unknown(id);

    private static async Task<Results<Ok<TokenView>, ProblemHttpResult>> RevokeAsync(
        string id, HttpContext context, TokenService tokens, CancellationToken cancellationToken) =>
        await tokens.RevokeAsync(context.Caller(), id, cancellationToken) is { } token
            ? TypedResults.Ok(TokenView.From(token, tokens.Now))
            : Unknown(id);

    private static ProblemHttpResult Unknown(string id) =>
        Problem.NotFound($"there is no token '{JsonFields.Clip(id)}' of yours; list your tokens with GET {Prefix} or `nightshift token ls`");
}
