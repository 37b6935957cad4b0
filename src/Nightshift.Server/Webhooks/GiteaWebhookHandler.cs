using System.Text.Json;
using Microsoft.Extensions.Options;
using Nightshift.Core.Errors;
using Nightshift.Forges;

namespace Nightshift.Server.Webhooks;

/// <summary>
/// Verifies one Gitea (or Forgejo) delivery, reads it into a trigger and hands it to the <see cref="IWebhookIntake"/>,
/// which records it and answers at once; the trigger processor acts on it later. It never calls the forge.
/// </summary>
internal sealed partial class GiteaWebhookHandler(
    IWebhookIntake intake,
    IForgeResolver forges,
    IOptions<GiteaWebhookOptions> options,
    ILogger<GiteaWebhookHandler> logger)
{
    public const string Forge = GiteaWebhookParser.Forge;

    public const string DeliveryHeader = "X-Gitea-Delivery";

    public const string EventHeader = "X-Gitea-Event";

    public const string EventTypeHeader = "X-Gitea-Event-Type";

    public async Task<IResult> HandleAsync(HttpRequest request, CancellationToken cancellationToken = default)
    {
        var settings = options.Value;
        if (string.IsNullOrEmpty(settings.Secret))
        {
            return Problems.Problem.NotFound("webhooks from Gitea are off on this server: set Webhooks:Gitea:Secret to the webhook's secret to turn them on (see docs/configuration.md)");
        }

        var body = await WebhookBody.ReadAsync(request, settings.MaxBodyBytes, cancellationToken);
        if (body is null)
        {
            return Problems.Problem.Create(
                StatusCodes.Status413PayloadTooLarge,
                "delivery too large",
                $"the delivery's body is over {settings.MaxBodyBytes} bytes, the most Webhooks:Gitea:MaxBodyBytes accepts");
        }
        // One answer for a missing, malformed or wrong signature: nothing hints at which.
        if (!GiteaSignature.IsValid(settings.Secret, body, request.Headers[GiteaSignature.Header].FirstOrDefault()))
        {
            LogRefused(logger, request.HttpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown");
            return Problems.Problem.Create(StatusCodes.Status401Unauthorized, "signature refused", "the delivery is not signed with this server's webhook secret");
        }

        var delivery = WebhookBody.Header(request, DeliveryHeader, "Gitea");
        var eventName = WebhookBody.Header(request, EventHeader, "Gitea");
        // Gitea before 1.20 sends no event type; the coarse event name is read then.
        string? eventType = request.Headers.ContainsKey(EventTypeHeader) ? WebhookBody.Header(request, EventTypeHeader, "Gitea") : null;

        JsonElement payload;
        try
        {
            using var document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 64 });
            payload = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            throw new ValidationException("body", "is not valid JSON; set the webhook's content type to application/json (POST Content Type in Gitea's webhook form)");
        }
        if (payload.ValueKind != JsonValueKind.Object)
        {
            throw new ValidationException("body", "must be a JSON object; set the webhook's content type to application/json");
        }

        var (trigger, ignoredBecause) = GiteaWebhookParser.Parse(payload, eventName, eventType, settings, forges.Endpoints);
        var receipt = await intake.AcceptAsync(Forge, delivery, eventType ?? eventName, trigger, ignoredBecause, cancellationToken);
        if (trigger is null)
        {
            LogIgnored(logger, delivery, eventType ?? eventName, ignoredBecause ?? "");
        }
        else
        {
            LogAccepted(logger, delivery, trigger.Kind, trigger.Repository, receipt.Status);
        }
        return receipt.TaskId is { } taskId
            ? TypedResults.Accepted($"/api/v1/tasks/{taskId}", receipt)
            : TypedResults.Accepted((string?)null, receipt);
    }

    [LoggerMessage(EventId = 3330, Level = LogLevel.Warning, Message = "Refused a Gitea webhook delivery from {Remote}: its signature is missing or wrong (check Webhooks:Gitea:Secret against the webhook's secret)")]
    private static partial void LogRefused(ILogger logger, string remote);

    [LoggerMessage(EventId = 3331, Level = LogLevel.Information, Message = "Gitea delivery {Delivery}: {Kind} in {Repository} handed to the trigger intake ({Status})")]
    private static partial void LogAccepted(ILogger logger, string delivery, TriggerKind kind, string repository, string status);

    [LoggerMessage(EventId = 3332, Level = LogLevel.Debug, Message = "Gitea delivery {Delivery} ({Event}) asks for nothing: {Reason}")]
    private static partial void LogIgnored(ILogger logger, string delivery, string @event, string reason);
}
