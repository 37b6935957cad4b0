using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Nightshift.Models.Errors;
using Nightshift.Models.Recording;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Nightshift.Models.Resilience;

/// <summary>
/// Sits under a provider SDK's HttpClient: every attempt goes through the provider's pipeline, and a final failure
/// becomes a <see cref="ModelProviderException"/> whose message names what to fix. Streams are handed over as soon
/// as their headers arrive, so nothing is retried once the first token may have been read.
/// </summary>
internal sealed partial class ResilienceHandler(
    ProviderEndpoint endpoint,
    ProviderPipelines pipelines,
    IReadOnlyList<string> secrets,
    ILogger logger) : DelegatingHandler
{
    private const int MaxErrorBodyBytes = 16 * 1024;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        // The SDKs' request content is not guaranteed to be readable twice; one buffered copy serves every attempt.
        var body = request.Content is null ? null : await request.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        var attempts = 0;
        var pipeline = pipelines.For(endpoint.Provider);
        HttpResponseMessage response;
        try
        {
            response = await pipeline.ExecuteAsync(
                async token =>
                {
                    attempts++;
                    using var attempt = Clone(request, body);
                    var answer = await base.SendAsync(attempt, token).ConfigureAwait(false);
                    if (answer.IsSuccessStatusCode && !IsEventStream(answer))
                    {
                        // Reading the body inside the attempt puts a hanging body under the per-call timeout too.
                        await answer.Content.LoadIntoBufferAsync(token).ConfigureAwait(false);
                    }
                    return answer;
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutRejectedException exception)
        {
            var seconds = pipelines.Options.CallTimeout.TotalSeconds;
            throw Fail(ModelFailureKind.Timeout, null, exception,
                $"{endpoint.Provider} did not answer within {seconds:0.###} s on {Attempts(attempts)}: try again later, raise Models:Resilience:CallTimeout, or configure a fallback model ({Selection.ModelEnvironmentVariables.Fallbacks})");
        }
        catch (BrokenCircuitException exception)
        {
            throw Fail(ModelFailureKind.CircuitOpen, null, exception,
                $"{endpoint.Provider} failed repeatedly, so calls to it are paused for up to {pipelines.Options.CircuitBreakDuration.TotalSeconds:0.###} s (circuit open): try again later or configure a fallback model ({Selection.ModelEnvironmentVariables.Fallbacks})");
        }
        catch (HttpRequestException exception) when (!cancellationToken.IsCancellationRequested)
        {
            throw Fail(ModelFailureKind.Network, null, exception,
                $"could not reach {endpoint.Provider} at {request.RequestUri?.GetLeftPart(UriPartial.Authority)} on {Attempts(attempts)} ({exception.Message}): check {endpoint.BaseUrlVariable} and the network");
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }
        using (response)
        {
            var detail = await ReadErrorDetailAsync(response, cancellationToken).ConfigureAwait(false);
            throw FailForStatus(response, detail, attempts);
        }
    }

    private ModelProviderException FailForStatus(HttpResponseMessage response, string detail, int attempts)
    {
        var status = response.StatusCode;
        var code = (int)status;
        var said = detail.Length == 0 ? $"HTTP {code}" : $"HTTP {code}: {detail}";
        var provider = endpoint.Provider;
        switch (status)
        {
            case HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden:
                var fix = endpoint.KeyVariable is { } variable
                    ? $"set {variable} to a valid API key"
                    : $"this provider needs no key here; check that {endpoint.BaseUrlVariable} points at the right server";
                return Fail(ModelFailureKind.Authentication, status, null, $"{provider} rejected the credentials ({said}): {fix}");
            case HttpStatusCode.TooManyRequests:
                var wait = RetryAfter.From(response, pipelines.TimeProvider.GetUtcNow());
                var tooLong = wait is { } w && w > pipelines.Options.MaxRetryAfter
                    ? $"; it asked to wait {w.TotalSeconds:0} s, longer than Models:Resilience:MaxRetryAfter"
                    : string.Empty;
                return Fail(ModelFailureKind.RateLimited, status, null,
                    $"{provider} is still rate limiting after {Attempts(attempts)} ({said}){tooLong}: wait, lower the load, or configure a fallback model ({Selection.ModelEnvironmentVariables.Fallbacks})");
            case var _ when ProviderPipelines.IsTransient(status):
                return Fail(ModelFailureKind.ServerError, status, null,
                    $"{provider} kept failing on {Attempts(attempts)} ({said}): try again later or configure a fallback model ({Selection.ModelEnvironmentVariables.Fallbacks})");
            case HttpStatusCode.NotFound:
                return Fail(ModelFailureKind.BadRequest, status, null,
                    $"{provider} answered 404 ({said}): check the model name and that {endpoint.BaseUrlVariable} is the API's base URL");
            default:
                return Fail(ModelFailureKind.BadRequest, status, null, $"{provider} rejected the request ({said})");
        }
    }

    private ModelProviderException Fail(ModelFailureKind kind, HttpStatusCode? status, Exception? inner, string message)
    {
        var redacted = SecretRedactor.Redact(message, secrets);
        LogCallFailed(logger, endpoint.Provider, kind, redacted);
        // The inner exception is dropped when it could carry a secret-bearing message of its own.
        return new ModelProviderException(endpoint.Provider, kind, redacted, status, inner is TimeoutRejectedException or BrokenCircuitException ? inner : null);
    }

    private static string Attempts(int attempts) => attempts == 1 ? "1 attempt" : $"{attempts} attempts";

    private static bool IsEventStream(HttpResponseMessage response) =>
        response.Content.Headers.ContentType?.MediaType is { } type && type.Equals("text/event-stream", StringComparison.OrdinalIgnoreCase);

    private static HttpRequestMessage Clone(HttpRequestMessage request, byte[]? body)
    {
        var copy = new HttpRequestMessage(request.Method, request.RequestUri) { Version = request.Version, VersionPolicy = request.VersionPolicy };
        foreach (var header in request.Headers)
        {
            copy.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }
        if (body is not null && request.Content is not null)
        {
            copy.Content = new ByteArrayContent(body);
            foreach (var header in request.Content.Headers)
            {
                copy.Content.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }
        foreach (var option in request.Options)
        {
            ((IDictionary<string, object?>)copy.Options)[option.Key] = option.Value;
        }
        return copy;
    }

    private async Task<string> ReadErrorDetailAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        string text;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            await using var stream = await response.Content.ReadAsStreamAsync(timeout.Token).ConfigureAwait(false);
            var buffer = new byte[MaxErrorBodyBytes];
            var read = 0;
            int n;
            while (read < buffer.Length && (n = await stream.ReadAsync(buffer.AsMemory(read), timeout.Token).ConfigureAwait(false)) > 0)
            {
                read += n;
            }
            text = Encoding.UTF8.GetString(buffer, 0, read);
        }
        catch (Exception exception) when (exception is IOException or OperationCanceledException or HttpRequestException && !cancellationToken.IsCancellationRequested)
        {
            return string.Empty;
        }
        var message = ErrorMessageFromJson(text) ?? text;
        message = string.Join(' ', message.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        message = SecretRedactor.Redact(message, secrets);
        return message.Length <= 300 ? message : message[..297] + "...";
    }

    private static string? ErrorMessageFromJson(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            // Gemini's OpenAI endpoint wraps errors in a one-element array.
            if (root.ValueKind == JsonValueKind.Array && root.GetArrayLength() > 0)
            {
                root = root[0];
            }
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("error", out var error))
            {
                if (error.ValueKind == JsonValueKind.String)
                {
                    return error.GetString();
                }
                if (error.ValueKind == JsonValueKind.Object && error.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String)
                {
                    return message.GetString();
                }
            }
            return null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    [LoggerMessage(EventId = 5101, Level = LogLevel.Warning, Message = "Model call to {Provider} failed ({Kind}): {Reason}")]
    private static partial void LogCallFailed(ILogger logger, string provider, ModelFailureKind kind, string reason);
}
