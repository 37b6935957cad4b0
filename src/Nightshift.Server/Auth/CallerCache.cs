using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Nightshift.Storage.Teams;

namespace Nightshift.Server.Auth;

/// <summary>
/// What this server looked up about tokens (by hash) and users, kept for <c>Auth:TokenCacheSeconds</c> so a busy token
/// costs no query per request. Whatever changes tokens or users on this server calls <see cref="ForgetAll"/>, so the change
/// takes effect here at once; other servers of a fleet see it when their entries age out.
/// </summary>
internal sealed class CallerCache(IOptions<AuthSettings> settings, TimeProvider time)
{
    private const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<string, Entry<ApiTokenRecord?>> _tokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Entry<TeamUser?>> _users = new(StringComparer.Ordinal);

    private TimeSpan Lifetime => TimeSpan.FromSeconds(settings.Value.TokenCacheSeconds);

    /// <summary>Drops everything: call after revoking a token, disabling or enabling a user, or changing a role.</summary>
    public void ForgetAll()
    {
        _tokens.Clear();
        _users.Clear();
    }

    public async Task<ApiTokenRecord?> TokenAsync(string hashHex, Func<Task<ApiTokenRecord?>> load) =>
        await GetAsync(_tokens, hashHex, load);

    public async Task<TeamUser?> UserAsync(string orgId, string userId, Func<Task<TeamUser?>> load) =>
        await GetAsync(_users, orgId + "/" + userId, load);

    private async Task<T> GetAsync<T>(ConcurrentDictionary<string, Entry<T>> entries, string key, Func<Task<T>> load)
    {
        var lifetime = Lifetime;
        var now = time.GetUtcNow();
        if (lifetime > TimeSpan.Zero && entries.TryGetValue(key, out var kept) && now - kept.At < lifetime)
        {
            return kept.Value;
        }
        var value = await load();
        if (lifetime > TimeSpan.Zero)
        {
            if (entries.Count >= MaxEntries)
            {
                entries.Clear();
            }
            entries[key] = new Entry<T>(value, now);
        }
        return value;
    }

    private sealed record Entry<T>(T Value, DateTimeOffset At);
}
