using System.Text.Json;
using Microsoft.Extensions.Options;
using Nightshift.Core.Errors;
using Nightshift.Forges;
using Nightshift.Server.Metrics;
using Nightshift.Server.Repositories;
using Nightshift.Storage;

namespace Nightshift.Server.Webhooks;

/// <summary>
/// Verifies, records and acts on one GitHub delivery. It answers at once: the most it does is one store write that
/// queues a task (the worker does the rest); it never calls the forge.
/// </summary>
internal sealed partial class GitHubWebhookHandler(
    INightshiftStore store,
    IForgeResolver forges,
    IRepositoryGate repositoryGate,
    ServerMetrics metrics,
    IOptions<GitHubWebhookOptions> options,
    ILogger<GitHubWebhookHandler> logger)
{
    public const string Forge = "github";

    public const string DeliveryHeader = "X-GitHub-Delivery";

    public const string EventHeader = "X-GitHub-Event";

    public async Task<IResult> HandleAsync(HttpRequest request, CancellationToken cancellationToken = default)
    {
        var settings = options.Value;
        if (string.IsNullOrEmpty(settings.Secret))
        {
            return Problems.Problem.NotFound("webhooks from GitHub are off on this server: set Webhooks:GitHub:Secret to the webhook's secret to turn them on (see docs/configuration.md)");
        }

        var body = await WebhookBody.ReadAsync(request, settings.MaxBodyBytes, cancellationToken);
        if (body is null)
        {
            return Problems.Problem.Create(
                StatusCodes.Status413PayloadTooLarge,
                "delivery too large",
                $"the delivery's body is over {settings.MaxBodyBytes} bytes, the most Webhooks:GitHub:MaxBodyBytes accepts");
        }
        // One answer for a missing, malformed or wrong signature: nothing hints at which.
        if (!GitHubSignature.IsValid(settings.Secret, body, request.Headers[GitHubSignature.Header].FirstOrDefault()))
        {
            LogRefused(logger, request.HttpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown");
            return Problems.Problem.Create(StatusCodes.Status401Unauthorized, "signature refused", "the delivery is not signed with this server's webhook secret");
        }

        var delivery = WebhookBody.Header(request, DeliveryHeader, "GitHub");
        var eventName = WebhookBody.Header(request, EventHeader, "GitHub");
        var existing = await store.FindDeliveryAsync(Forge, delivery, cancellationToken);
        if (existing is not null)
        {
            LogDuplicate(logger, delivery);
            return TypedResults.Accepted((string?)null, new WebhookReceipt(delivery, "duplicate", existing.TaskId, "this delivery was already received"));
        }

        JsonElement payload;
        try
        {
            using var document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 64 });
            payload = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            throw new ValidationException("body", "is not valid JSON; set the webhook's content type to application/json");
        }
        if (payload.ValueKind != JsonValueKind.Object)
        {
            throw new ValidationException("body", "must be a JSON object; set the webhook's content type to application/json");
        }

        var decision = GitHubIssueTrigger.Decide(payload, eventName, delivery, settings, forges);
        string? taskId = null;
        var reason = decision.IgnoredBecause;
        if (decision.Task is { } wanted)
        {
            try
            {
                var task = wanted.Validated();
                await repositoryGate.EnsureAllowedAsync(task, cancellationToken);
                // The idempotency key is the delivery: two receipts racing past the check above still make one task.
                var submitted = await store.SubmitAsync(task, cancellationToken);
                taskId = submitted.Task.Id;
                if (submitted.Created)
                {
                    metrics.TaskSubmitted();
                    metrics.EventsAppended();
                    LogQueued(logger, delivery, taskId, task.Repo);
                }
            }
            catch (ValidationException refused)
            {
                reason = $"the issue cannot become a task: {refused.Message}";
            }
        }

        await store.RecordDeliveryAsync(
            new WebhookDelivery(Forge, delivery, eventName, taskId is null ? "ignored" : "queued", taskId, DateTimeOffset.UnixEpoch),
            cancellationToken);
        if (taskId is null)
        {
            LogIgnored(logger, delivery, eventName, reason ?? "");
            return TypedResults.Accepted((string?)null, new WebhookReceipt(delivery, "ignored", null, reason));
        }
        return TypedResults.Accepted($"/api/v1/tasks/{taskId}", new WebhookReceipt(delivery, "queued", taskId, null));
    }

    [LoggerMessage(EventId = 3301, Level = LogLevel.Warning, Message = "Refused a GitHub webhook delivery from {Remote}: its signature is missing or wrong (check Webhooks:GitHub:Secret against the webhook's secret)")]
    private static partial void LogRefused(ILogger logger, string remote);

    [LoggerMessage(EventId = 3302, Level = LogLevel.Information, Message = "GitHub delivery {Delivery} queued task {TaskId} for {Repo}")]
    private static partial void LogQueued(ILogger logger, string delivery, string taskId, string repo);

    [LoggerMessage(EventId = 3303, Level = LogLevel.Debug, Message = "GitHub delivery {Delivery} ({Event}) ignored: {Reason}")]
    private static partial void LogIgnored(ILogger logger, string delivery, string @event, string reason);

    [LoggerMessage(EventId = 3304, Level = LogLevel.Information, Message = "GitHub delivery {Delivery} was already received; nothing done")]
    private static partial void LogDuplicate(ILogger logger, string delivery);
}
