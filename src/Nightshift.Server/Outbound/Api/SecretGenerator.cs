using System.Security.Cryptography;

namespace Nightshift.Server.Outbound.Api;

/// <summary>Signing secrets in the Standard Webhooks form: <c>whsec_</c> and the base64 of 32 random bytes.</summary>
internal static class SecretGenerator
{
    public const string Prefix = "whsec_";
    public const int KeyBytes = 32;

    public static string NewSecret() => Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(KeyBytes));
}
