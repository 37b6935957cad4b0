namespace Nightshift.Server.Oidc;

/// <summary>Why an OpenID Connect sign-in was refused; the refusal page explains each in words.</summary>
internal enum OidcRefusal
{
    /// <summary>The provider's answer did not check out: state, nonce, signature, audience, issuer or expiry, or the provider reported an error.</summary>
    Failed,

    /// <summary>The id_token has no <c>sub</c>.</summary>
    NoSubject,

    /// <summary>None of the person's role values is mapped and there is no <c>Auth:Oidc:DefaultRole</c>.</summary>
    NoRole,

    /// <summary>The organisation claim is missing, malformed, or names no organisation on this server.</summary>
    UnknownOrg,

    /// <summary>The person is a user of another organisation than the one the claim names.</summary>
    OtherOrg,

    /// <summary>An admin disabled the user.</summary>
    Disabled,
}
