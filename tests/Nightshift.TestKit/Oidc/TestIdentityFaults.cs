namespace Nightshift.TestKit.Oidc;

/// <summary>What <see cref="TestIdentityProvider"/> gets wrong on purpose, to see a client refuse it. All off by default.</summary>
/// <param name="Audience">the id_token's <c>aud</c> instead of the client id.</param>
/// <param name="Issuer">the id_token's <c>iss</c> instead of the provider's issuer.</param>
/// <param name="Nonce">the id_token's <c>nonce</c> instead of the one the client sent.</param>
/// <param name="State">the <c>state</c> sent back to the client instead of the one it sent.</param>
/// <param name="Expired">an id_token that expired half an hour ago (beyond any clock skew a client allows).</param>
/// <param name="SignWithOtherKey">sign with a key that is not in the published key set (same key id).</param>
/// <param name="Error">redirect back with this OAuth <c>error</c> instead of a code (e.g. <c>access_denied</c>).</param>
public sealed record TestIdentityFaults(
    string? Audience = null,
    string? Issuer = null,
    string? Nonce = null,
    string? State = null,
    bool Expired = false,
    bool SignWithOtherKey = false,
    string? Error = null)
{
    public static TestIdentityFaults None { get; } = new();
}
