using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Nightshift.Core.Errors;

namespace Nightshift.Server.Webhooks;

/// <summary>
/// Verifies one GitLab delivery (<c>X-Gitlab-Token</c> against <c>Webhooks:GitLab:Secret</c>), reads it into a
/// <see cref="TriggerEvent"/> and hands it to the <see cref="IWebhookIntake"/>, which records it and answers at once.
/// It never calls the forge and never works inline.
/// </summary>
internal sealed partial class GitLabWebhookHandler(
    IOptions<GitLabWebhookOptions> options,
    ILogger<GitLabWebhookHandler> logger,
    IWebhookIntake intake)
{
    public const string Forge = GitLabWebhookParser.Forge;

    public const string TokenHeader = "X-Gitlab-Token";

    public const string EventHeader = "X-Gitlab-Event";

    /// <summary>The same for every retry of one event (GitLab 17.4 and later): preferred for deduplication.</summary>
    public const string IdempotencyHeader = "Idempotency-Key";

    /// <summary>The event's id; older GitLab sends only this.</summary>
    public const string EventUuidHeader = "X-Gitlab-Event-UUID";

    public async Task<IResult> HandleAsync(HttpRequest request, CancellationToken cancellationToken = default)
    {
        var settings = options.Value;
        if (string.IsNullOrEmpty(settings.Secret))
        {
            return Problems.Problem.NotFound("webhooks from GitLab are off on this server: set Webhooks:GitLab:Secret to the webhook's secret token to turn them on (see docs/configuration.md)");
        }

        var body = await WebhookBody.ReadAsync(request, settings.MaxBodyBytes, cancellationToken);
        if (body is null)
        {
            return Problems.Problem.Create(
                StatusCodes.Status413PayloadTooLarge,
                "delivery too large",
                $"the delivery's body is over {settings.MaxBodyBytes} bytes, the most Webhooks:GitLab:MaxBodyBytes accepts");
        }
        // One answer for a missing, repeated or wrong token: nothing hints at which.
        var presented = request.Headers[TokenHeader];
        if (presented.Count != 1 || !TokenMatches(settings.Secret, presented[0]))
        {
            LogRefused(logger, request.HttpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown");
            return Problems.Problem.Create(StatusCodes.Status401Unauthorized, "token refused", "the delivery does not carry this server's webhook secret token");
        }

        var delivery = request.Headers.ContainsKey(IdempotencyHeader)
            ? WebhookBody.Header(request, IdempotencyHeader, "GitLab")
            : WebhookBody.Header(request, EventUuidHeader, "GitLab");
        var eventName = EventName(request);
        JsonElement payload;
        try
        {
            using var document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 64 });
            payload = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            throw new ValidationException("body", "is not valid JSON; GitLab sends webhooks as application/json, so check that the request comes from a GitLab webhook");
        }
        if (payload.ValueKind != JsonValueKind.Object)
        {
            throw new ValidationException("body", "must be a JSON object, as GitLab's webhook events are");
        }

        var (trigger, ignoredBecause) = GitLabWebhookParser.Parse(payload, eventName, settings);
        // The intake logs what it recorded; nothing here is worth a second line.
        var receipt = await intake.AcceptAsync(Forge, delivery, eventName, trigger, ignoredBecause, cancellationToken);
        return TypedResults.Accepted(receipt.TaskId is { } task ? $"/api/v1/tasks/{task}" : null, receipt);
    }

    /// <summary>
    /// Whether <paramref name="presented"/> is <paramref name="secret"/>, in time that depends on neither: both are hashed
    /// to 32 bytes first, so even their lengths are not compared openly.
    /// </summary>
    internal static bool TokenMatches(string secret, string? presented)
    {
        if (presented is null)
        {
            return false;
        }
        Span<byte> expected = stackalloc byte[SHA256.HashSizeInBytes];
        Span<byte> actual = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(secret), expected);
        SHA256.HashData(Encoding.UTF8.GetBytes(presented), actual);
        return CryptographicOperations.FixedTimeEquals(expected, actual);
    }

    /// <summary>GitLab's event names have spaces ("Note Hook"), which the shared header check does not allow.</summary>
    private static string EventName(HttpRequest request)
    {
        var value = request.Headers[EventHeader].FirstOrDefault();
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new ValidationException(EventHeader, "is missing; GitLab sends it with every delivery");
        }
        if (value.Length > WebhookBody.MaxHeaderLength || !value.All(c => char.IsAsciiLetterOrDigit(c) || c is ' ' or '-' or '_'))
        {
            throw new ValidationException(EventHeader, $"must be at most {WebhookBody.MaxHeaderLength} letters, digits, spaces, - and _ (GitLab sends names like \"Note Hook\")");
        }
        return value;
    }

    [LoggerMessage(EventId = 3320, Level = LogLevel.Warning, Message = "Refused a GitLab webhook delivery from {Remote}: its X-Gitlab-Token is missing or wrong (check Webhooks:GitLab:Secret against the webhook's secret token)")]
    private static partial void LogRefused(ILogger logger, string remote);
}
