namespace Nightshift.Server.Secrets;

/// <summary>
/// Encrypts values kept at rest with ASP.NET Core Data Protection. Protected text starts with
/// <see cref="SecretProtector.Prefix"/>; anything else is a value written before encryption at rest and is read as it is.
/// </summary>
public interface ISecretProtector
{
    /// <param name="context">what the value is bound to besides its purpose (an organisation secret's org and name); a ciphertext only decrypts with the same context.</param>
    string Protect(SecretPurpose purpose, string plaintext, string? context = null);

    /// <returns>the plaintext; text without the prefix is returned unchanged (a row from before encryption at rest).</returns>
    /// <exception cref="SecretUnreadableException">the ciphertext was made with a key this server does not have, or for another purpose or context.</exception>
    string Unprotect(SecretPurpose purpose, string stored, string? context = null);

    /// <returns>whether <paramref name="stored"/> is ciphertext made by a protector.</returns>
    bool IsProtected(string? stored);
}
