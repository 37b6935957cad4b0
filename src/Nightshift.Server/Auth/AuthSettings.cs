namespace Nightshift.Server.Auth;

/// <summary>Configuration section <c>Auth</c> (the token itself, <c>Auth:Token</c>, is read before the host is built).</summary>
internal sealed class AuthSettings
{
    public const string SectionName = "Auth";

    /// <summary>
    /// How long a server keeps what it looked up about a token or a signed-in user before asking the store again. A change
    /// made through this server (revocation, a disabled user, a new role) takes effect at once; one made through another
    /// server of a fleet within this many seconds. 0 asks the store on every request.
    /// </summary>
    public int TokenCacheSeconds { get; set; } = 5;
}
