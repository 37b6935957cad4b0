using System.Text;
using Microsoft.Extensions.Options;
using Nightshift.Core.Network;
using Nightshift.Storage.Outbound;

namespace Nightshift.Server.Outbound.Notifications;

/// <summary>
/// POSTs one notification as a chat message to a Slack-compatible incoming webhook, through the outbound HTTP client
/// (<see cref="OutboundHttp.ClientName"/>: the SSRF guard, no redirects). 2xx is delivered; 429, 5xx, a timeout or a
/// failed connection is worth another try (with the receiver's <c>Retry-After</c>); 404 and 410 (a removed webhook
/// answers <c>no_service</c>) are gone; any other answer is refused. The webhook's address carries its token, so no
/// error or excerpt repeats it.
/// </summary>
internal sealed partial class SlackSender(IHttpClientFactory clients, IOptions<OutboundOptions> options, TimeProvider time, ILogger<SlackSender> logger) : IOutboundSender
{
    /// <summary>Bytes of an answer read for the excerpt; the rest is left unread.</summary>
    public const int MaxAnswerBytes = 4 * 1024;

    /// <summary>The longest <c>Retry-After</c> passed on.</summary>
    public static readonly TimeSpan MaxRetryAfter = TimeSpan.FromHours(24);

    /// <summary>The outbound client has no timeout of its own: each sender bounds its attempt (<c>Outbound:Timeout</c>), reading the answer included.</summary>
    private TimeSpan Timeout => options.Value.Timeout;

    public OutboundChannel Channel => OutboundChannel.Slack;

    public async Task<SendResult> SendAsync(OutboundEndpoint endpoint, OutboundDelivery delivery, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(endpoint.Url) || !Uri.TryCreate(endpoint.Url, UriKind.Absolute, out var url) || url.Scheme is not ("https" or "http"))
        {
            return Result(SendStatus.Refused, null, $"the endpoint {endpoint.Id} has no http(s) address to post to; set Notifications:Slack:Url", null);
        }
        if (!NotificationPayload.TryRead(delivery.Payload, out var notice, out var payloadError))
        {
            return Result(SendStatus.Refused, null, payloadError + "; the delivery cannot be written as a chat message", null);
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(SlackComposer.Body(notice), Encoding.UTF8, "application/json"),
        };
        var client = clients.CreateClient(OutboundHttp.ClientName);
        var host = url.IsDefaultPort ? url.Host : $"{url.Host}:{url.Port}";
        var timeout = Timeout;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
            var code = (int)response.StatusCode;
            var excerpt = Scrub(await ReadExcerptAsync(response, deadline.Token), endpoint.Url);
            if (code is >= 200 and < 300)
            {
                LogSent(logger, delivery.Id, delivery.TaskId, endpoint.Id);
                return new SendResult(SendStatus.Delivered, code, null, excerpt);
            }
            var said = $"the chat webhook at {host} answered {code}{(excerpt is null ? "" : $" ({NotificationText.Clip(excerpt, 200)})")}";
            return code switch
            {
                404 or 410 => Result(SendStatus.Gone, code,
                    said + "; the incoming webhook no longer exists, so the endpoint is disabled: make a new one and set Notifications:Slack:Url", excerpt),
                429 or >= 500 => Result(SendStatus.Retryable, code, said + "; it is tried again", excerpt, RetryAfter(response)),
                >= 300 and < 400 => Result(SendStatus.Refused, code, said + ", a redirect, which is never followed; set Notifications:Slack:Url to the final address", excerpt),
                _ => Result(SendStatus.Refused, code, said + "; the message was refused for good (check the webhook's address and the chat's settings)", excerpt),
            };
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException)
        {
            return Result(SendStatus.Retryable, null, $"the chat webhook at {host} did not answer within {timeout.TotalSeconds:0.#} s (Outbound:Timeout); it is tried again", null);
        }
        catch (Exception ex) when (RefusedByTheGuard(ex) is { } refusal)
        {
            return Result(SendStatus.Refused, null, $"not sent to the chat webhook at {host}: {Scrub(NotificationText.OneLine(refusal, 500), endpoint.Url)}", null);
        }
        catch (IOException ex)
        {
            return Result(SendStatus.Retryable, null, $"the connection to the chat webhook at {host} failed ({Scrub(NotificationText.OneLine(ex.Message, 300), endpoint.Url)}); it is tried again", null);
        }
        catch (HttpRequestException ex)
        {
            var what = ex.HttpRequestError switch
            {
                HttpRequestError.NameResolutionError => $"the chat webhook's host {url.Host} could not be resolved",
                HttpRequestError.ConnectionError => $"could not connect to the chat webhook at {host}",
                HttpRequestError.SecureConnectionError => $"the TLS connection to the chat webhook at {host} failed",
                _ => $"the request to the chat webhook at {host} failed",
            };
            var inner = Scrub(NotificationText.OneLine((ex.InnerException ?? ex).Message, 300), endpoint.Url);
            return Result(SendStatus.Retryable, null, $"{what}{(inner is null ? "" : $" ({inner})")}; it is tried again", null);
        }
    }

    /// <summary>
    /// The SSRF guard's refusal (<see cref="OutboundAddressRefusedException"/>),
    /// wherever it sits in the chain: an address the guard refuses stays refused, so it is no retry.
    /// </summary>
    private static string? RefusedByTheGuard(Exception exception)
    {
        for (var inner = exception; inner is not null; inner = inner.InnerException)
        {
            if (inner is OutboundAddressRefusedException)
            {
                return inner.Message;
            }
        }
        return null;
    }

    private TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        var wait = header?.Delta ?? (header?.Date is { } date ? date - time.GetUtcNow() : null);
        return wait is { } value ? TimeSpan.FromTicks(Math.Clamp(value.Ticks, 0, MaxRetryAfter.Ticks)) : null;
    }

    private static async Task<string?> ReadExcerptAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[MaxAnswerBytes];
        var read = 0;
        while (read < buffer.Length && await stream.ReadAsync(buffer.AsMemory(read), cancellationToken) is var n and > 0)
        {
            read += n;
        }
        var text = NotificationText.OneLine(Encoding.UTF8.GetString(buffer, 0, read), OutboundAttempt.MaxExcerptLength);
        return text.Length == 0 ? null : text;
    }

    /// <summary>Cuts the webhook's address, and its path alone (where the token is), out of a text a receiver or the network wrote.</summary>
    internal static string? Scrub(string? text, string? url)
    {
        if (string.IsNullOrEmpty(text) || string.IsNullOrEmpty(url))
        {
            return string.IsNullOrEmpty(text) ? null : text;
        }
        var scrubbed = text.Replace(url, "[webhook address]", StringComparison.OrdinalIgnoreCase);
        if (Uri.TryCreate(url, UriKind.Absolute, out var parsed))
        {
            foreach (var part in new[] { parsed.AbsoluteUri, parsed.PathAndQuery, parsed.AbsolutePath }.Where(p => p.Length > 1))
            {
                scrubbed = scrubbed.Replace(part, "[webhook address]", StringComparison.OrdinalIgnoreCase);
            }
            foreach (var segment in parsed.Segments.Select(s => s.Trim('/')).Where(s => s.Length >= 8))
            {
                scrubbed = scrubbed.Replace(segment, "[token]", StringComparison.Ordinal);
            }
        }
        return scrubbed;
    }

    private SendResult Result(SendStatus status, int? code, string error, string? excerpt, TimeSpan? retryAfter = null)
    {
        LogFailed(logger, status, code, error);
        return new SendResult(status, code, NotificationText.Clip(error, OutboundDelivery.MaxErrorLength), excerpt, retryAfter);
    }

    [LoggerMessage(EventId = 3442, Level = LogLevel.Debug, Message = "Posted delivery {DeliveryId} of task {TaskId} to the chat webhook (endpoint {EndpointId})")]
    private static partial void LogSent(ILogger logger, string deliveryId, string taskId, string endpointId);

    [LoggerMessage(EventId = 3443, Level = LogLevel.Debug, Message = "A chat message was not delivered ({Status}, {StatusCode}): {Reason}")]
    private static partial void LogFailed(ILogger logger, SendStatus status, int? statusCode, string reason);
}
