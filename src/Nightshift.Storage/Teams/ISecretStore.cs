namespace Nightshift.Storage.Teams;

/// <summary>
/// Organisation secrets as ciphertext (ASP.NET Core Data Protection, done by the server before storing), and the Data
/// Protection key ring for a fleet that keeps it in the database.
/// </summary>
public interface ISecretStore
{
    /// <summary>Creates or replaces the secret.</summary>
    Task<SecretInfo> PutSecretAsync(string orgId, string name, string ciphertext, CancellationToken cancellationToken = default);

    Task<string?> GetSecretCiphertextAsync(string orgId, string name, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<SecretInfo>> ListSecretsAsync(string orgId, CancellationToken cancellationToken = default);

    Task<bool> DeleteSecretAsync(string orgId, string name, CancellationToken cancellationToken = default);

    /// <summary>Every Data Protection key element (XML) stored, oldest first.</summary>
    Task<IReadOnlyList<string>> ListProtectionKeysAsync(CancellationToken cancellationToken = default);

    /// <summary>Adds a key element; a name already stored is left as it is.</summary>
    Task AddProtectionKeyAsync(string name, string xml, CancellationToken cancellationToken = default);
}
