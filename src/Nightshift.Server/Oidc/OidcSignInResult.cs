using Nightshift.Core.Teams;

namespace Nightshift.Server.Oidc;

/// <summary>The caller an OpenID Connect sign-in makes, or why it was refused.</summary>
internal sealed record OidcSignInResult(Caller? Caller, OidcRefusal? Refusal)
{
    public static OidcSignInResult Refused(OidcRefusal refusal) => new(null, refusal);

    public static OidcSignInResult SignedIn(Caller caller) => new(caller, null);
}
