using StandardWebhooks;

namespace Nightshift.Server.Outbound;

/// <summary>
/// The <c>webhook-signature</c> header of the Standard Webhooks specification: <c>v1,&lt;base64 HMAC-SHA256 of
/// "id.timestamp.body"&gt;</c> for each secret, space-separated, so a receiver holding any one of them can verify
/// (rotation). The HMAC itself is the specification's own package.
/// </summary>
internal static class WebhookSigner
{
    /// <returns>the header's value; empty when no secret could sign (none given, or none in the <c>whsec_</c> form).</returns>
    public static string Sign(IEnumerable<string> secrets, string messageId, DateTimeOffset timestamp, string body)
    {
        var signatures = new List<string>();
        foreach (var secret in secrets)
        {
            StandardWebhook signer;
            try
            {
                signer = new StandardWebhook(secret);
            }
            catch (FormatException)
            {
                continue;
            }
            signatures.Add(signer.Sign(messageId, timestamp, body));
        }
        return string.Join(' ', signatures);
    }
}
