using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace Nightshift.Forges.Rest;

/// <summary>
/// Sends a forge's REST calls: the token in the dialect's header, JSON in and out, transient failures (rate limits,
/// 5xx, lost connections) retried with Polly honouring Retry-After and the rate-limit reset headers, answers read with a
/// bound, and every failure turned into a <see cref="ForgeException"/> that says what to do and never holds the token.
/// </summary>
internal sealed partial class ForgeRestClient
{
    /// <summary>A successful answer larger than this is refused (a merge request with a 1 MB description fits).</summary>
    public const int MaxBodyBytes = 8 * 1024 * 1024;

    /// <summary>Only the start of an error answer is read: enough for its message, never a whole page.</summary>
    public const int MaxErrorBodyBytes = 64 * 1024;

    private static readonly TimeSpan BodyReadTimeout = TimeSpan.FromSeconds(60);

    private readonly ForgeEndpoint _endpoint;
    private readonly HttpClient _http;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ForgeDialect _dialect;
    private readonly string _apiBase;

    public ForgeRestClient(ForgeEndpoint endpoint, HttpClient http, TimeProvider time, ILogger logger, ForgeDialect dialect)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(http);
        _endpoint = endpoint;
        _http = http;
        _time = time;
        _logger = logger;
        _dialect = dialect;
        if (!endpoint.ApiUrl.IsAbsoluteUri || endpoint.ApiUrl.Scheme is not ("https" or "http"))
        {
            throw new ForgeException($"{endpoint.Name}: the API address '{endpoint.ApiUrl}' is not an absolute http(s) address");
        }
        _apiBase = endpoint.ApiUrl.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/";
    }

    /// <summary>Retries after the first attempt for a transient failure.</summary>
    public int MaxRetries { get; init; } = 3;

    /// <summary>A forge asking to wait longer than this is not waited for: the call fails with the wait in the exception.</summary>
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The first backoff when the forge did not say how long to wait; doubled per retry, with jitter.</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    public string Host => _endpoint.Host;

    public string Product => _dialect.Product;

    /// <summary>
    /// Sends <paramref name="request"/> and returns a 2xx answer or one of <see cref="ForgeRequest.Expected"/>; any
    /// other outcome throws a <see cref="ForgeException"/>.
    /// </summary>
    public async Task<ForgeReply> SendAsync(ForgeRequest request, CancellationToken cancellationToken = default)
    {
        var (response, token, attempts) = await SendForResponseAsync(request, cancellationToken).ConfigureAwait(false);
        using (response)
        {
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode || (request.Expected?.Contains(status) ?? false))
            {
                return await ReadReplyAsync(request, response, token, cancellationToken).ConfigureAwait(false);
            }
            var detail = await ReadErrorDetailAsync(response, token, cancellationToken).ConfigureAwait(false);
            throw FailFor(request, response, detail, attempts);
        }
    }

    /// <summary>
    /// Sends <paramref name="request"/> for an answer that is not JSON (a job's log) and returns its status and the
    /// last <paramref name="maxTailBytes"/> bytes of its body; the body is null for one of <see cref="ForgeRequest.Expected"/>.
    /// Any other outcome throws a <see cref="ForgeException"/>, as <see cref="SendAsync"/> does.
    /// </summary>
    public async Task<(int Status, byte[]? Tail)> SendForTailAsync(ForgeRequest request, int maxTailBytes, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxTailBytes);
        var (response, token, attempts) = await SendForResponseAsync(request, cancellationToken).ConfigureAwait(false);
        using (response)
        {
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                try
                {
                    return (status, await ReadTailAsync(response, maxTailBytes, cancellationToken).ConfigureAwait(false));
                }
                catch (Exception exception) when (NoAnswer(exception, cancellationToken))
                {
                    throw Fail(status, null, exception,
                        $"the connection to {Product} at {Host} broke while reading its answer to {request.What}: {Reason(exception, token)}. Try again later");
                }
            }
            if (request.Expected?.Contains(status) ?? false)
            {
                return (status, null);
            }
            var detail = await ReadErrorDetailAsync(response, token, cancellationToken).ConfigureAwait(false);
            throw FailFor(request, response, detail, attempts);
        }
    }

    private async Task<(HttpResponseMessage Response, string Token, int Attempts)> SendForResponseAsync(ForgeRequest request, CancellationToken cancellationToken)
    {
        var token = await _endpoint.Token.GetAsync(cancellationToken).ConfigureAwait(false);
        var uri = new Uri(_apiBase + request.Path);
        var payload = request.Body is null ? null : Encoding.UTF8.GetBytes(request.Body.ToJsonString());
        var attempts = 0;
        var pipeline = Pipeline(request);
        HttpResponseMessage response;
        try
        {
            response = await pipeline.ExecuteAsync(
                async attemptToken =>
                {
                    attempts++;
                    using var message = new HttpRequestMessage(request.Method, uri);
                    message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
                    message.Headers.UserAgent.Add(new ProductInfoHeaderValue("Nightshift", "1.0"));
                    _dialect.Authorize(message.Headers, token);
                    if (payload is not null)
                    {
                        message.Content = new ByteArrayContent(payload);
                        message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
                    }
                    return await _http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, attemptToken).ConfigureAwait(false);
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (NoAnswer(exception, cancellationToken))
        {
            var again = request.Replayable ? "" : " (not sent again: it may have been done once already)";
            throw Fail(null, null, exception,
                $"could not reach {Product} at {Host} to {request.What} after {Attempts(attempts)}{again}: {Reason(exception, token)}. Check that {_endpoint.Name}'s API address ({_apiBase}) is right and reachable from this worker, then publish again");
        }
        return (response, token, attempts);
    }

    private ResiliencePipeline<HttpResponseMessage> Pipeline(ForgeRequest request)
    {
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = _time };
        if (MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = MaxRetries,
                ShouldHandle = args => ValueTask.FromResult(ShouldRetry(request, args.Outcome, args.Context.CancellationToken)),
                DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(Delay(args.Outcome, args.AttemptNumber)),
                OnRetry = args =>
                {
                    LogRetrying(_logger, Product, Host, request.What, args.AttemptNumber + 1, Describe(args.Outcome), (long)args.RetryDelay.TotalMilliseconds);
                    return ValueTask.CompletedTask;
                },
            });
        }
        return builder.Build();
    }

    private bool ShouldRetry(ForgeRequest request, Outcome<HttpResponseMessage> outcome, CancellationToken cancellationToken)
    {
        if (outcome.Exception is { } exception)
        {
            return request.Replayable && NoAnswer(exception, cancellationToken);
        }
        if (outcome.Result is not { } response || !IsTransient(response))
        {
            return false;
        }
        // Waiting longer than the bound would hold a worker: fail now and say when to try again.
        return RateLimitHeaders.RequestedWait(response, _time.GetUtcNow()) is not { } wait || wait <= MaxRetryAfter;
    }

    private static bool IsTransient(HttpResponseMessage response) =>
        RateLimitHeaders.IsRateLimited(response) || (int)response.StatusCode is 500 or 502 or 503 or 504;

    private TimeSpan Delay(Outcome<HttpResponseMessage> outcome, int attempt)
    {
        if (outcome.Result is { } response && RateLimitHeaders.RequestedWait(response, _time.GetUtcNow()) is { } wait)
        {
            return wait;
        }
        var exponential = BaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt, 10));
        // Jitter on the upper half keeps workers that failed together from retrying together.
        return TimeSpan.FromMilliseconds(Math.Min(exponential, 30_000) * (0.5 + (Random.Shared.NextDouble() * 0.5)));
    }

    private static bool NoAnswer(Exception exception, CancellationToken cancellationToken) => exception switch
    {
        HttpRequestException or IOException => true,
        // HttpClient's own timeout surfaces as a cancellation nobody asked for.
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        _ => false,
    };

    private async Task<ForgeReply> ReadReplyAsync(ForgeRequest request, HttpResponseMessage response, string token, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        byte[] bytes;
        try
        {
            (bytes, var complete) = await ReadBoundedAsync(response, MaxBodyBytes, cancellationToken).ConfigureAwait(false);
            if (!complete)
            {
                throw Fail(status, null, null,
                    $"{Product} at {Host} answered the call to {request.What} with more than {MaxBodyBytes / (1024 * 1024)} MiB; Nightshift reads no more. Check that {_endpoint.Name}'s API address ({_apiBase}) points at the {Product} API");
            }
        }
        catch (Exception exception) when (NoAnswer(exception, cancellationToken))
        {
            throw Fail(status, null, exception,
                $"the connection to {Product} at {Host} broke while reading its answer to {request.What}: {Reason(exception, token)}. Whether it was done is unknown; publishing again finds and updates what exists");
        }
        var text = Encoding.UTF8.GetString(bytes);
        if (text.AsSpan().Trim().IsEmpty)
        {
            return new ForgeReply(status, null, string.Empty);
        }
        if (ForgeText.LooksLikeHtml(text, mediaType))
        {
            throw Fail(status, null, null,
                $"{Product} at {Host} answered the call to {request.What} with an HTML page, not JSON: {_endpoint.Name}'s API address ({_apiBase}) is probably a web page or a sign-in proxy; it should be the REST API's base address");
        }
        try
        {
            using var document = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 64 });
            return new ForgeReply(status, document.RootElement.Clone(), ForgeText.Redact(ForgeText.Detail(text, mediaType), token));
        }
        catch (JsonException)
        {
            throw Fail(status, null, null,
                $"{Product} at {Host} answered the call to {request.What} with something that is not JSON: check that {_endpoint.Name}'s API address ({_apiBase}) is the {Product} REST API");
        }
    }

    private async Task<string> ReadErrorDetailAsync(HttpResponseMessage response, string token, CancellationToken cancellationToken)
    {
        try
        {
            var (bytes, _) = await ReadBoundedAsync(response, MaxErrorBodyBytes, cancellationToken).ConfigureAwait(false);
            var detail = ForgeText.Detail(Encoding.UTF8.GetString(bytes), response.Content.Headers.ContentType?.MediaType);
            return ForgeText.Redact(detail, token);
        }
        catch (Exception exception) when (NoAnswer(exception, cancellationToken))
        {
            return string.Empty;
        }
    }

    /// <returns>the last <paramref name="limit"/> bytes of the body (all of it when shorter), read within the body timeout.</returns>
    private static async Task<byte[]> ReadTailAsync(HttpResponseMessage response, int limit, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(BodyReadTimeout);
        await using var stream = await response.Content.ReadAsStreamAsync(timeout.Token).ConfigureAwait(false);
        // Twice the limit: the older half is dropped whenever the buffer fills, so a long log costs one pass and 2×limit memory.
        var buffer = new byte[(long)limit * 2 > int.MaxValue ? int.MaxValue : limit * 2];
        var length = 0;
        int read;
        while ((read = await stream.ReadAsync(buffer.AsMemory(length), timeout.Token).ConfigureAwait(false)) > 0)
        {
            length += read;
            if (length == buffer.Length)
            {
                Buffer.BlockCopy(buffer, length - limit, buffer, 0, limit);
                length = limit;
            }
        }
        var start = Math.Max(0, length - limit);
        return buffer[start..length];
    }

    /// <returns>at most <paramref name="limit"/> bytes, and whether that was the whole body.</returns>
    private static async Task<(byte[] Bytes, bool Complete)> ReadBoundedAsync(HttpResponseMessage response, int limit, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // HttpClient.Timeout stops at the headers; a body that trickles forever must not hold the worker.
        timeout.CancelAfter(BodyReadTimeout);
        await using var stream = await response.Content.ReadAsStreamAsync(timeout.Token).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, timeout.Token).ConfigureAwait(false)) > 0)
        {
            var room = limit - (int)buffer.Length;
            if (read > room)
            {
                buffer.Write(chunk, 0, room);
                return (buffer.ToArray(), false);
            }
            buffer.Write(chunk, 0, read);
        }
        return (buffer.ToArray(), true);
    }

    private ForgeException FailFor(ForgeRequest request, HttpResponseMessage response, string detail, int attempts)
    {
        var code = (int)response.StatusCode;
        var said = detail.Length == 0 ? $"HTTP {code}" : $"HTTP {code}: {detail}";
        var head = $"{Product} at {Host} refused to {request.What} ({said})";
        if (RateLimitHeaders.IsRateLimited(response))
        {
            var wait = RateLimitHeaders.RequestedWait(response, _time.GetUtcNow());
            var asked = wait is { } w ? $"; it asks to wait {Seconds(w)}" : string.Empty;
            var tooLong = wait is { } l && l > MaxRetryAfter ? $", longer than Nightshift waits ({Seconds(MaxRetryAfter)})" : string.Empty;
            return Fail(code, wait, null,
                $"{Product} at {Host} is rate limiting this token ({said}) after {Attempts(attempts)}{asked}{tooLong}: publish again later, or use a token of its own for Nightshift");
        }
        return code switch
        {
            401 => Fail(code, null, null, $"{head}: the token was not accepted (unknown, expired or revoked). {_dialect.UnauthorizedHint}"),
            403 => Fail(code, null, null, $"{head}: the token lacks a permission. {_dialect.ForbiddenHint}"),
            404 => Fail(code, null, null, $"{head}: {request.NotFoundHint}"),
            >= 500 => Fail(code, null, null, $"{Product} at {Host} failed to {request.What} ({said}) on {Attempts(attempts)}: the forge has a problem of its own; publish again later"),
            _ => Fail(code, null, null, $"{head}: check the values Nightshift sent ({Product} names the field it refused, above)"),
        };
    }

    private ForgeException Fail(int? status, TimeSpan? retryAfter, Exception? inner, string message)
    {
        LogCallFailed(_logger, Product, Host, status ?? 0, message);
        return new ForgeException(message, status, retryAfter, inner is HttpRequestException or IOException ? inner : null);
    }

    private static string Reason(Exception exception, string token)
    {
        var reason = exception switch
        {
            OperationCanceledException => "no answer in time (the HTTP client's timeout)",
            HttpRequestException { InnerException: IOException io } => io.Message,
            _ => exception.Message,
        };
        return ForgeText.Redact(reason, token);
    }

    private static string Describe(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Exception: { } exception } => exception.GetType().Name,
        { Result: { } response } => $"HTTP {(int)response.StatusCode}",
        _ => "unknown",
    };

    private static string Attempts(int attempts) => attempts == 1 ? "1 attempt" : $"{attempts} attempts";

    private static string Seconds(TimeSpan wait) => wait.TotalSeconds < 120 ? $"{Math.Ceiling(wait.TotalSeconds):0} s" : $"{Math.Ceiling(wait.TotalMinutes):0} min";

    [LoggerMessage(EventId = 7201, Level = LogLevel.Warning, Message = "{Product} at {Host}: retrying to {What} (attempt {Attempt}) after {Reason}, in {DelayMs} ms")]
    private static partial void LogRetrying(ILogger logger, string product, string host, string what, int attempt, string reason, long delayMs);

    [LoggerMessage(EventId = 7202, Level = LogLevel.Warning, Message = "{Product} at {Host}: call failed (status {Status}): {Message}")]
    private static partial void LogCallFailed(ILogger logger, string product, string host, int status, string message);
}
