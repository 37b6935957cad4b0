using System.Text.Json;
using Microsoft.Extensions.Options;
using Nightshift.Core.Errors;
using Nightshift.Forges;

namespace Nightshift.Server.Webhooks;

/// <summary>
/// Verifies one GitHub delivery, reads it into a trigger and hands it to the intake, which records it and answers at
/// once: nothing here calls the forge or makes a task (the trigger processor does, in the background).
/// </summary>
internal sealed partial class GitHubWebhookHandler(
    IWebhookIntake intake,
    IForgeResolver forges,
    IOptions<GitHubWebhookOptions> options,
    ILogger<GitHubWebhookHandler> logger)
{
    public const string Forge = GitHubTriggerParser.Forge;

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

        var trigger = GitHubTriggerParser.Parse(payload, eventName, settings, forges, out var ignoredBecause);
        var receipt = await intake.AcceptAsync(Forge, delivery, eventName, trigger, ignoredBecause, cancellationToken);
        return TypedResults.Accepted((string?)null, receipt);
    }

    [LoggerMessage(EventId = 3301, Level = LogLevel.Warning, Message = "Refused a GitHub webhook delivery from {Remote}: its signature is missing or wrong (check Webhooks:GitHub:Secret against the webhook's secret)")]
    private static partial void LogRefused(ILogger logger, string remote);
}
