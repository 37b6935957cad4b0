using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;
using Nightshift.Storage.Outbound;

namespace Nightshift.Server.Outbound;

/// <summary>
/// Sends a delivery to a webhook endpoint: one POST of its JSON payload, signed per the Standard Webhooks
/// specification with every active secret, through the guarded <see cref="OutboundHttp.ClientName"/> client.
/// </summary>
internal sealed class WebhookSender(IHttpClientFactory clients, IOptions<OutboundOptions> options, TimeProvider time) : IOutboundSender
{
    public const string UserAgent = "Nightshift-Webhooks/1";

    public OutboundChannel Channel => OutboundChannel.Webhook;

    public async Task<SendResult> SendAsync(OutboundEndpoint endpoint, OutboundDelivery delivery, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(delivery);
        if (!Uri.TryCreate(endpoint.Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            return new SendResult(SendStatus.Refused, null, "the endpoint has no absolute http(s) URL; change it to one and redeliver", null);
        }
        var now = time.GetUtcNow();
        var signature = WebhookSigner.Sign(endpoint.Secrets.Where(s => s.IsActiveAt(now)).Select(s => s.Value), delivery.Id, now, delivery.Payload);
        if (signature.Length == 0)
        {
            return new SendResult(SendStatus.Refused, null, "the endpoint has no active signing secret; add one (nightshift webhooks rotate) and redeliver", null);
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(delivery.Payload, new UTF8Encoding(false), "application/json"),
        };
        request.Headers.TryAddWithoutValidation("webhook-id", delivery.Id);
        request.Headers.TryAddWithoutValidation("webhook-timestamp", now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation("webhook-signature", signature);
        request.Headers.TryAddWithoutValidation("User-Agent", UserAgent);

        var timeout = options.Value.Timeout;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var client = clients.CreateClient(OutboundHttp.ClientName);
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
            return await OutboundResponses.ClassifyAsync(response, time.GetUtcNow(), deadline.Token);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException)
        {
            return OutboundResponses.FromException(ex, url, timeout, cancellationToken)
                ?? throw new OperationCanceledException("the delivery was not sent: the server is stopping", ex, cancellationToken);
        }
    }
}
