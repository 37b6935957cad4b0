using System.Collections.Concurrent;
using Nightshift.Core.Teams;
using Nightshift.Storage.Teams;

namespace Nightshift.Server.Secrets;

/// <summary>
/// <see cref="IOrgSecrets"/> over the store's ciphertext and Data Protection. Decrypted values are kept in memory for
/// <see cref="CacheFor"/> at most (so a change made on another server of a fleet is seen within that time; on this
/// server at once), are never logged, and are added to <see cref="SecretValues"/> for redaction.
/// </summary>
internal sealed class OrgSecrets(ISecretStore store, ISecretProtector protector, SecretValues values, TimeProvider time) : IOrgSecrets
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<(string Org, string Name), (string? Value, DateTimeOffset Until)> _cache = new();

    /// <summary>The context a secret's ciphertext is bound to: a ciphertext copied to another org or name does not decrypt.</summary>
    public static string Context(string orgId, string name) => $"{orgId}/{name}";

    public async Task<string?> GetAsync(string orgId, string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(orgId);
        ArgumentNullException.ThrowIfNull(name);
        var now = time.GetUtcNow();
        if (_cache.TryGetValue((orgId, name), out var cached) && cached.Until > now)
        {
            return cached.Value;
        }
        var ciphertext = await store.GetSecretCiphertextAsync(orgId, name, cancellationToken);
        var value = ciphertext is null ? null : protector.Unprotect(SecretPurpose.OrgSecret, ciphertext, Context(orgId, name));
        values.Add(value);
        _cache[(orgId, name)] = (value, now + CacheFor);
        return value;
    }

    /// <summary>Forgets a cached value after it was set or removed through this server.</summary>
    public void Forget(string orgId, string name) => _cache.TryRemove((orgId, name), out _);
}
