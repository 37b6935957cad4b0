namespace Nightshift.Server.Teams;

/// <summary>
/// Tells whoever keeps callers in memory (authentication's token cache) that a token or a user changed, so a revoked
/// token, a disabled user or a changed role takes effect on this server at once instead of when a cache entry expires.
/// </summary>
public sealed class TeamChanges
{
    /// <summary>A token was revoked; the argument is its id (<c>tok_…</c>).</summary>
    public event Action<string>? TokenRevoked;

    /// <summary>A user's role or disabled state changed; the arguments are the organisation and the user's id.</summary>
    public event Action<string, string>? UserChanged;

    internal void OnTokenRevoked(string tokenId) => TokenRevoked?.Invoke(tokenId);

    internal void OnUserChanged(string orgId, string userId) => UserChanged?.Invoke(orgId, userId);
}
