using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Nightshift.Core.Errors;
using Nightshift.Core.Teams;
using Nightshift.Server.Auth;
using Nightshift.Server.Problems;
using Nightshift.Storage.Outbound;

namespace Nightshift.Server.Outbound.Api;

/// <summary>
/// The outbound endpoint routes under <c>/api/v1/webhooks</c>: endpoints, their signing secrets, and their deliveries.
/// (The inbound forge webhooks are <see cref="Webhooks.WebhooksApi"/>, under <c>/webhooks</c>.)
/// </summary>
internal static class OutboundWebhooksApi
{
    public const string Prefix = "/api/v1/webhooks";

    public static RouteGroupBuilder MapOutboundWebhooksApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(Prefix).WithTags("outbound webhooks").RequireScope(Scopes.WebhooksManage);
        group.MapGet("/", ListAsync).WithName("ListOutboundEndpoints");
        group.MapPost("/", CreateAsync).WithName("CreateOutboundEndpoint");
        group.MapGet("/{id}", GetAsync).WithName("GetOutboundEndpoint");
        group.MapPatch("/{id}", UpdateAsync).WithName("UpdateOutboundEndpoint");
        group.MapDelete("/{id}", DeleteAsync).WithName("DeleteOutboundEndpoint");
        group.MapPost("/{id}/secrets", RotateAsync).WithName("RotateOutboundSecret");
        group.MapDelete("/{id}/secrets/{secretId}", RemoveSecretAsync).WithName("RemoveOutboundSecret");
        group.MapGet("/{id}/deliveries", DeliveriesAsync).WithName("ListOutboundDeliveries");
        group.MapGet("/{id}/deliveries/{deliveryId}", DeliveryAsync).WithName("GetOutboundDelivery");
        group.MapPost("/{id}/deliveries/{deliveryId}/redeliver", RedeliverAsync).WithName("RedeliverOutboundDelivery");
        return group;
    }

    private static async Task<Ok<EndpointListResponse>> ListAsync(OutboundEndpointService endpoints, HttpContext context, CancellationToken cancellationToken)
    {
        var all = await endpoints.ListAsync(context.Caller().OrgId, cancellationToken);
        var now = endpoints.Now;
        return TypedResults.Ok(new EndpointListResponse([.. all.Select(e => EndpointView.From(e, now))]));
    }

    private static async Task<Created<SecretIssuedResponse>> CreateAsync(
        [FromBody] JsonElement body, OutboundEndpointService endpoints, HttpContext context, CancellationToken cancellationToken)
    {
        var request = EndpointRequestReader.ReadCreate(body);
        var (endpoint, secret) = await endpoints.CreateAsync(context.Caller().OrgId, request, cancellationToken);
        return TypedResults.Created($"{Prefix}/{endpoint.Id}", Issued(endpoint, secret, endpoints.Now));
    }

    private static async Task<Results<Ok<EndpointView>, ProblemHttpResult>> GetAsync(
        string id, OutboundEndpointService endpoints, HttpContext context, CancellationToken cancellationToken) =>
        await endpoints.GetAsync(context.Caller().OrgId, id, cancellationToken) is { } endpoint
            ? TypedResults.Ok(EndpointView.From(endpoint, endpoints.Now))
            : UnknownEndpoint(id);

    private static async Task<Results<Ok<EndpointView>, ProblemHttpResult>> UpdateAsync(
        string id, [FromBody] JsonElement body, OutboundEndpointService endpoints, HttpContext context, CancellationToken cancellationToken)
    {
        if (await endpoints.GetAsync(context.Caller().OrgId, id, cancellationToken) is not { } existing)
        {
            return UnknownEndpoint(id);
        }
        var patch = EndpointRequestReader.ReadPatch(body, existing.Channel);
        return await Guarded<Results<Ok<EndpointView>, ProblemHttpResult>>(async () => await endpoints.UpdateAsync(context.Caller().OrgId, id, patch, cancellationToken) is { } updated
            ? TypedResults.Ok(EndpointView.From(updated, endpoints.Now))
            : (Results<Ok<EndpointView>, ProblemHttpResult>)UnknownEndpoint(id), p => p);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        string id, OutboundEndpointService endpoints, HttpContext context, CancellationToken cancellationToken) =>
        await Guarded<Results<NoContent, ProblemHttpResult>>(async () => await endpoints.DeleteAsync(context.Caller().OrgId, id, cancellationToken)
            ? TypedResults.NoContent()
            : (Results<NoContent, ProblemHttpResult>)UnknownEndpoint(id), p => p);

    private static async Task<Results<Created<SecretIssuedResponse>, ProblemHttpResult>> RotateAsync(
        string id,
        [FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] JsonElement? body,
        OutboundEndpointService endpoints,
        HttpContext context,
        CancellationToken cancellationToken)
    {
        var retireAfter = EndpointRequestReader.ReadRotate(body);
        return await Guarded<Results<Created<SecretIssuedResponse>, ProblemHttpResult>>(async () =>
        {
            if (await endpoints.RotateAsync(context.Caller().OrgId, id, retireAfter, cancellationToken) is not { } rotated)
            {
                return (Results<Created<SecretIssuedResponse>, ProblemHttpResult>)UnknownEndpoint(id);
            }
            return TypedResults.Created($"{Prefix}/{rotated.Endpoint.Id}", Issued(rotated.Endpoint, rotated.Secret, endpoints.Now));
        }, p => p);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RemoveSecretAsync(
        string id, string secretId, OutboundEndpointService endpoints, HttpContext context, CancellationToken cancellationToken) =>
        await Guarded<Results<NoContent, ProblemHttpResult>>(async () => await endpoints.RemoveSecretAsync(context.Caller().OrgId, id, secretId, cancellationToken)
            ? TypedResults.NoContent()
            : (Results<NoContent, ProblemHttpResult>)Problem.NotFound(
                $"endpoint '{Clip(id)}' has no secret '{Clip(secretId)}'; GET {Prefix}/{{id}} lists its secrets by id"), p => p);

    private static async Task<Results<Ok<DeliveryListResponse>, ProblemHttpResult>> DeliveriesAsync(
        string id,
        string? state,
        string? before,
        string? limit,
        OutboundEndpointService endpoints,
        HttpContext context,
        CancellationToken cancellationToken)
    {
        var query = ParseDeliveryQuery(state, before, limit);
        var page = await endpoints.ListDeliveriesAsync(context.Caller().OrgId, id, query.State, query.Before, query.Limit, cancellationToken);
        return page is null
            ? UnknownEndpoint(id)
            : TypedResults.Ok(new DeliveryListResponse([.. page.Deliveries.Select(DeliveryView.From)], page.NextBefore));
    }

    private static async Task<Results<Ok<DeliveryDetailResponse>, ProblemHttpResult>> DeliveryAsync(
        string id, string deliveryId, OutboundEndpointService endpoints, HttpContext context, CancellationToken cancellationToken)
    {
        if (await endpoints.GetDeliveryAsync(context.Caller().OrgId, id, deliveryId, cancellationToken) is not { } found)
        {
            return UnknownDelivery(id, deliveryId);
        }
        return TypedResults.Ok(new DeliveryDetailResponse(
            DeliveryView.From(found.Delivery),
            PayloadOf(found.Delivery.Payload),
            [.. found.Attempts.Select(AttemptView.From)]));
    }

    private static async Task<Results<Accepted<DeliveryView>, ProblemHttpResult>> RedeliverAsync(
        string id, string deliveryId, OutboundEndpointService endpoints, HttpContext context, CancellationToken cancellationToken) =>
        await Guarded<Results<Accepted<DeliveryView>, ProblemHttpResult>>(async () => await endpoints.RedeliverAsync(context.Caller().OrgId, id, deliveryId, cancellationToken) is { } delivery
            ? TypedResults.Accepted($"{Prefix}/{id}/deliveries/{delivery.Id}", DeliveryView.From(delivery))
            : (Results<Accepted<DeliveryView>, ProblemHttpResult>)UnknownDelivery(id, deliveryId), p => p);

    internal static (OutboundDeliveryState? State, long? Before, int Limit) ParseDeliveryQuery(string? state, string? before, string? limit)
    {
        var errors = new Dictionary<string, string[]>();
        OutboundDeliveryState? stateFilter = null;
        if (!string.IsNullOrWhiteSpace(state))
        {
            if (OutboundWire.TryParseState(state, out var parsed))
            {
                stateFilter = parsed;
            }
            else
            {
                errors["state"] = [$"'{Clip(state)}' is not a delivery state; use one of: {OutboundWire.StateNames}"];
            }
        }
        long? beforeNumber = null;
        if (!string.IsNullOrWhiteSpace(before))
        {
            if (long.TryParse(before, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number > 0)
            {
                beforeNumber = number;
            }
            else
            {
                errors["before"] = [$"'{Clip(before)}' is not a delivery number; pass nextBefore from the previous page unchanged"];
            }
        }
        var size = OutboundEndpointService.DefaultDeliveryLimit;
        if (!string.IsNullOrWhiteSpace(limit)
            && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out size) || size is < 1 or > OutboundEndpointService.MaxDeliveryLimit))
        {
            errors["limit"] = [$"'{Clip(limit)}' is not a page size; use a whole number from 1 to {OutboundEndpointService.MaxDeliveryLimit}"];
        }
        if (errors.Count > 0)
        {
            throw new ValidationException(errors);
        }
        return (stateFilter, beforeNumber, size);
    }

    private static SecretIssuedResponse Issued(OutboundEndpoint endpoint, OutboundSecret? secret, DateTimeOffset now) => new(
        EndpointView.From(endpoint, now),
        secret is null ? null : new IssuedSecretView(secret.Id, secret.Value, secret.CreatedAt, secret.ExpiresAt));

    private static JsonElement PayloadOf(string payload)
    {
        try
        {
            using var document = JsonDocument.Parse(payload, new JsonDocumentOptions { MaxDepth = 64 });
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return JsonSerializer.SerializeToElement(payload);
        }
    }

    /// <summary>Runs a handler's work, answering 409 when the endpoint or delivery cannot do that now.</summary>
    private static async Task<TResult> Guarded<TResult>(Func<Task<TResult>> action, Func<ProblemHttpResult, TResult> problem)
    {
        try
        {
            return await action();
        }
        catch (EndpointConflictException conflict)
        {
            return problem(Problem.Conflict(conflict.Title, conflict.Message));
        }
    }

    private static ProblemHttpResult UnknownEndpoint(string id) =>
        Problem.NotFound($"there is no outbound endpoint '{Clip(id)}'; list them with GET {Prefix} or `nightshift webhooks ls`");

    private static ProblemHttpResult UnknownDelivery(string id, string deliveryId) =>
        Problem.NotFound($"endpoint '{Clip(id)}' has no delivery '{Clip(deliveryId)}'; list its deliveries with GET {Prefix}/{{id}}/deliveries or `nightshift webhooks deliveries ID`");

    private static string Clip(string value)
    {
        var clean = new string(value.Select(c => char.IsControl(c) ? '?' : c).ToArray());
        return clean.Length <= 64 ? clean : clean[..64] + "…";
    }
}
