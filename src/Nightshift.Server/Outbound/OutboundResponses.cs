using System.Globalization;
using System.Net;
using System.Text;
using Nightshift.Core.Network;
using Nightshift.Storage.Outbound;

namespace Nightshift.Server.Outbound;

/// <summary>
/// How an HTTP sender (webhook, chat) turns an answer or a failure into a <see cref="SendResult"/>: 2xx delivered,
/// 410 gone, 408/429/5xx and network failures retryable (with <c>Retry-After</c>), redirects and other 4xx refused.
/// </summary>
internal static class OutboundResponses
{
    /// <summary>The most of an answer's body read, to take its excerpt from.</summary>
    public const int MaxBodyBytesRead = 4 * 1024;

    /// <summary>The longest <c>Retry-After</c> honoured.</summary>
    public static readonly TimeSpan MaxRetryAfter = TimeSpan.FromHours(24);

    public static async Task<SendResult> ClassifyAsync(HttpResponseMessage response, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        var excerpt = await ReadExcerptAsync(response, cancellationToken);
        if (status is >= 200 and < 300)
        {
            return new SendResult(SendStatus.Delivered, status, null, excerpt);
        }
        if (status == 410)
        {
            return new SendResult(SendStatus.Gone, status, "the receiver answered 410 Gone: it wants nothing more sent; the endpoint is disabled until someone enables it again", excerpt);
        }
        if (status is 408 or 429 or >= 500)
        {
            return new SendResult(SendStatus.Retryable, status, $"the receiver answered {Describe(response)}; it is tried again later", excerpt, RetryAfter(response, now));
        }
        if (status is >= 300 and < 400)
        {
            var location = response.Headers.Location is { } target ? $" to {Shown(target)}" : "";
            return new SendResult(SendStatus.Refused, status, $"the receiver answered {Describe(response)}{location}; redirects are not followed: point the endpoint at the final URL", excerpt);
        }
        return new SendResult(SendStatus.Refused, status, $"the receiver answered {Describe(response)}; it refused the delivery, so it is not tried again: fix the receiver or the endpoint, then redeliver", excerpt);
    }

    /// <summary>A failure before any answer: refused by the guard, timed out, or the connection failed.</summary>
    /// <returns>null when the caller's own token was cancelled (shutting down): that is no attempt.</returns>
    public static SendResult? FromException(Exception exception, Uri url, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return null;
        }
        for (var inner = exception; inner is not null; inner = inner.InnerException)
        {
            if (inner is OutboundAddressRefusedException refused)
            {
                return new SendResult(SendStatus.Refused, null, $"not sent to {Shown(url)}: {refused.Message}", null);
            }
        }
        if (exception is OperationCanceledException or TimeoutException)
        {
            return new SendResult(SendStatus.Retryable, null, $"{Shown(url)} did not answer within {timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s (Outbound:Timeout); it is tried again later", null);
        }
        var reason = Innermost(exception).Message;
        return new SendResult(SendStatus.Retryable, null, $"could not reach {Shown(url)}: {Clip(reason, 300)}; it is tried again later", null);
    }

    /// <summary>The receiver's wait request (seconds or an HTTP date), capped at <see cref="MaxRetryAfter"/>; null when absent or unreadable.</summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage response, DateTimeOffset now)
    {
        var header = response.Headers.RetryAfter;
        TimeSpan? wait = header switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - now,
            _ => null,
        };
        if (wait is null)
        {
            return null;
        }
        return wait < TimeSpan.Zero ? TimeSpan.Zero : wait > MaxRetryAfter ? MaxRetryAfter : wait;
    }

    /// <summary>Scheme, host, port and path, without user info or query (where tokens tend to live).</summary>
    public static string Shown(Uri url) =>
        url.IsAbsoluteUri ? Clip($"{url.Scheme}://{url.Authority}{url.AbsolutePath}", 200) : Clip(url.OriginalString.Split('?')[0], 200);

    private static async Task<string?> ReadExcerptAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var buffer = new byte[MaxBodyBytesRead];
        var filled = 0;
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            while (filled < buffer.Length)
            {
                var read = await body.ReadAsync(buffer.AsMemory(filled), cancellationToken);
                if (read == 0)
                {
                    break;
                }
                filled += read;
            }
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException or OperationCanceledException)
        {
            // The status is what counts; a body cut short (or too slow) only shortens the excerpt.
        }
        if (filled == 0)
        {
            return null;
        }
        var text = new UTF8Encoding(false, false).GetString(buffer, 0, filled);
        var clean = new string([.. text.Select(c => char.IsControl(c) && c is not ('\n' or '\t') ? ' ' : c)]);
        if (clean.Length > OutboundAttempt.MaxExcerptLength)
        {
            clean = clean[..OutboundAttempt.MaxExcerptLength];
        }
        return clean;
    }

    private static string Describe(HttpResponseMessage response)
    {
        var status = (int)response.StatusCode;
        var reason = string.IsNullOrWhiteSpace(response.ReasonPhrase) ? ((HttpStatusCode)status).ToString() : response.ReasonPhrase;
        return $"{status.ToString(CultureInfo.InvariantCulture)} {Clip(reason, 60)}";
    }

    private static Exception Innermost(Exception exception)
    {
        var current = exception;
        while (current.InnerException is not null)
        {
            current = current.InnerException;
        }
        return current;
    }

    private static string Clip(string value, int max)
    {
        var clean = new string([.. value.Select(c => char.IsControl(c) ? ' ' : c)]);
        return clean.Length > max ? clean[..max] + "…" : clean;
    }
}
