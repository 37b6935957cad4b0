using StandardWebhooks;

namespace Nightshift.Server.Outbound;

/// <summary>
/// The <c>webhook-signature</c> header of the Standard Webhooks specification: <c>v1,&lt;base64 HMAC-SHA256 of
/// "id.timestamp.body"&gt;</c> for each secret, space-separated, so a receiver holding any one of them can verify
/// (rotation). The HMAC itself is the specification's own package. With several secrets the first signature is
/// repeated at the end (see <see cref="Sign"/>).
/// </summary>
internal static class WebhookSigner
{
    /// <returns>the header's value; empty when no secret could sign (none given, or none in the <c>whsec_</c> form).</returns>
    public static string Sign(IEnumerable<string> secrets, string messageId, DateTimeOffset timestamp, string body)
    {
        var signatures = new List<string>();
        foreach (var secret in secrets)
        {
            if (Key(secret) is not { } key)
            {
                continue;
            }
            signatures.Add(new StandardWebhook(key).Sign(messageId, timestamp, body));
        }
        if (signatures.Count > 1)
        {
            // The StandardWebhooks package's own verifier (1.1.2) never looks at the last of several signatures, so a
            // receiver using it with the newest secret would refuse every delivery during a rotation. Repeating the
            // first signature at the end puts each real one where that verifier looks; other verifiers simply see a
            // duplicate, which the specification allows.
            signatures.Add(signatures[0]);
        }
        return string.Join(' ', signatures);
    }

    /// <returns>the key bytes of a <c>whsec_</c> secret (the prefix optional); null when it is not base64 or empty.</returns>
    private static byte[]? Key(string? secret)
    {
        const string Prefix = "whsec_";
        if (string.IsNullOrEmpty(secret))
        {
            return null;
        }
        var encoded = secret.StartsWith(Prefix, StringComparison.Ordinal) ? secret[Prefix.Length..] : secret;
        var buffer = new byte[encoded.Length];
        return Convert.TryFromBase64String(encoded, buffer, out var written) && written > 0 ? buffer[..written] : null;
    }
}
