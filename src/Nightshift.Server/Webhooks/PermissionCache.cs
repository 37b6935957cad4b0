using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Nightshift.Forges;
using Nightshift.Forges.Conversation;

namespace Nightshift.Server.Webhooks;

/// <summary>
/// The forges' answers about people's permissions, kept <see cref="TriggerOptions.PermissionCacheSeconds"/> so a busy
/// thread does not ask the forge on every comment; a revoked permission stops working within that time.
/// </summary>
internal sealed class PermissionCache(IOptions<TriggerOptions> options, TimeProvider time)
{
    private const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<string, (ForgePermission Permission, DateTimeOffset Until)> _answers = new(StringComparer.Ordinal);

    public async Task<ForgePermission> GetAsync(IForgeConversation forge, ForgeRepository repository, string user, CancellationToken cancellationToken = default)
    {
        var key = $"{repository.Host}/{repository.Owner}/{repository.Name}|{user}".ToLowerInvariant();
        var now = time.GetUtcNow();
        if (_answers.TryGetValue(key, out var known) && known.Until > now)
        {
            return known.Permission;
        }
        var permission = await forge.GetPermissionAsync(repository, user, cancellationToken);
        var lifetime = TimeSpan.FromSeconds(options.Value.PermissionCacheSeconds);
        if (lifetime > TimeSpan.Zero)
        {
            if (_answers.Count >= MaxEntries)
            {
                // Bounded: an attacker cycling user names cannot grow it without end.
                _answers.Clear();
            }
            _answers[key] = (permission, now + lifetime);
        }
        return permission;
    }
}
