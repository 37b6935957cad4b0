using System.Security.Cryptography;
using System.Text;

namespace Nightshift.Server.Webhooks;

/// <summary>Gitea's <c>X-Gitea-Signature</c>: the bare hex HMAC-SHA256 of the raw body keyed with the webhook's secret (no prefix).</summary>
internal static class GiteaSignature
{
    public const string Header = "X-Gitea-Signature";

    public static string Compute(string secret, ReadOnlySpan<byte> body) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    /// <summary>Whether <paramref name="header"/> is the body's signature under <paramref name="secret"/>, compared in constant time.</summary>
    public static bool IsValid(string secret, ReadOnlySpan<byte> body, string? header)
    {
        if (header is null || header.Length != 64)
        {
            return false;
        }
        Span<byte> presented = stackalloc byte[32];
        if (Convert.FromHexString(header.AsSpan(), presented, out _, out var written) != System.Buffers.OperationStatus.Done || written != 32)
        {
            return false;
        }
        Span<byte> expected = stackalloc byte[32];
        HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body, expected);
        return CryptographicOperations.FixedTimeEquals(expected, presented);
    }
}
