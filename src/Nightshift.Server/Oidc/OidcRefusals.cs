namespace Nightshift.Server.Oidc;

internal static class OidcRefusals
{
    /// <summary>The refusal's name in the refusal page's address.</summary>
    public static string Code(this OidcRefusal refusal) => refusal switch
    {
        OidcRefusal.NoSubject => "no-subject",
        OidcRefusal.NoRole => "no-role",
        OidcRefusal.UnknownOrg => "unknown-org",
        OidcRefusal.OtherOrg => "other-org",
        OidcRefusal.Disabled => "disabled",
        _ => "failed",
    };

    /// <summary>The refusal a code names; anything else reads as <see cref="OidcRefusal.Failed"/>.</summary>
    public static OidcRefusal FromCode(string? code) => code switch
    {
        "no-subject" => OidcRefusal.NoSubject,
        "no-role" => OidcRefusal.NoRole,
        "unknown-org" => OidcRefusal.UnknownOrg,
        "other-org" => OidcRefusal.OtherOrg,
        "disabled" => OidcRefusal.Disabled,
        _ => OidcRefusal.Failed,
    };

    /// <summary>What a refused person reads, and what to do next.</summary>
    public static string Explain(this OidcRefusal refusal, string provider) => refusal switch
    {
        OidcRefusal.NoSubject =>
            $"{provider} did not say who you are (its answer has no subject). Ask your administrator to check the provider's client settings.",
        OidcRefusal.NoRole =>
            $"{provider} signed you in, but none of your roles or groups gives you access to Nightshift. " +
            "Ask your administrator to give you a role or group that Nightshift maps (Auth:Oidc:AdminValues, MemberValues or ViewerValues).",
        OidcRefusal.UnknownOrg =>
            $"{provider} signed you in, but the organisation it names for you does not exist on this Nightshift. " +
            "Ask your administrator to create the organisation or correct the organisation claim.",
        OidcRefusal.OtherOrg =>
            "You are already a user of another organisation on this Nightshift than the one your identity provider now names. " +
            "Ask an administrator to sort out which organisation you belong to.",
        OidcRefusal.Disabled =>
            "Your user on this Nightshift is disabled. Ask an administrator of your organisation to enable it.",
        _ =>
            $"Signing in with {provider} did not complete: the answer from the identity provider could not be checked, or the sign-in took too long. " +
            "Try again; if it keeps failing, the server's log says why.",
    };
}
