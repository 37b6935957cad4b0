using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace Nightshift.Server.Secrets;

/// <summary>Data Protection behind <see cref="ISecretProtector"/>: one purpose string per <see cref="SecretPurpose"/>, plus the value's context.</summary>
internal sealed class SecretProtector(IDataProtectionProvider provider) : ISecretProtector
{
    /// <summary>Marks ciphertext (format 1: Data Protection's base64url payload).</summary>
    public const string Prefix = "dp1:";

    public string Protect(SecretPurpose purpose, string plaintext, string? context = null)
    {
        ArgumentNullException.ThrowIfNull(plaintext);
        return Prefix + ProtectorFor(purpose, context).Protect(plaintext);
    }

    public string Unprotect(SecretPurpose purpose, string stored, string? context = null)
    {
        ArgumentNullException.ThrowIfNull(stored);
        if (!IsProtected(stored))
        {
            return stored;
        }
        try
        {
            return ProtectorFor(purpose, context).Unprotect(stored[Prefix.Length..]);
        }
        catch (CryptographicException e)
        {
            throw new SecretUnreadableException(
                $"a stored {Describe(purpose)} cannot be decrypted with this server's key ring: every server must share the key ring "
                + $"(set {KeyRingOptions.SectionName}:KeyStore=database, or one {KeyRingOptions.SectionName}:KeysDirectory for all), "
                + "or the key it was made with was removed; set the value again", e);
        }
    }

    public bool IsProtected(string? stored) => stored is not null && stored.StartsWith(Prefix, StringComparison.Ordinal);

    private IDataProtector ProtectorFor(SecretPurpose purpose, string? context)
    {
        var name = purpose switch
        {
            SecretPurpose.OrgSecret => "Nightshift.Secrets.OrgSecret.v1",
            SecretPurpose.OutboundSigningSecret => "Nightshift.Secrets.OutboundSigningSecret.v1",
            SecretPurpose.OutboundUrl => "Nightshift.Secrets.OutboundUrl.v1",
            _ => throw new ArgumentOutOfRangeException(nameof(purpose), purpose, "unknown secret purpose"),
        };
        var protector = provider.CreateProtector(name);
        return context is null ? protector : protector.CreateProtector(context);
    }

    private static string Describe(SecretPurpose purpose) => purpose switch
    {
        SecretPurpose.OrgSecret => "organisation secret",
        SecretPurpose.OutboundSigningSecret => "webhook signing secret",
        _ => "chat webhook URL",
    };
}
