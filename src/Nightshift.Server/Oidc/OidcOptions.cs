namespace Nightshift.Server.Oidc;

/// <summary>
/// Configuration section <c>Auth:Oidc</c>: dashboard sign-in through an OpenID Connect identity provider. Off while
/// <see cref="Authority"/> is unset. Lists are null until configured, so the binder never appends to a default.
/// </summary>
internal sealed class OidcOptions
{
    public const string Section = "Auth:Oidc";

    public static IReadOnlyList<string> DefaultScopes { get; } = ["openid", "profile", "email"];

    /// <summary>The provider's issuer URL; its discovery document is at <c>{Authority}/.well-known/openid-configuration</c>.</summary>
    public string? Authority { get; set; }

    /// <summary>The client (application) id registered at the provider.</summary>
    public string? ClientId { get; set; }

    /// <summary>The client's secret; unset for a public client (PKCE still protects the code).</summary>
    public string? ClientSecret { get; set; }

    /// <summary>What the sign-in button says after "Sign in with".</summary>
    public string? DisplayName { get; set; }

    /// <summary>Scopes asked for; <c>openid profile email</c> when unset.</summary>
    public string[]? Scopes { get; set; }

    /// <summary>The claim whose values map to roles; when unset both <c>roles</c> and <c>groups</c> are read.</summary>
    public string? RoleClaim { get; set; }

    /// <summary>Role claim values that make a person an admin.</summary>
    public string[]? AdminValues { get; set; }

    /// <summary>Role claim values that make a person a member.</summary>
    public string[]? MemberValues { get; set; }

    /// <summary>Role claim values that make a person a viewer.</summary>
    public string[]? ViewerValues { get; set; }

    /// <summary>The role of a person none of whose values are mapped: <c>admin</c>, <c>member</c>, <c>viewer</c>, or unset / <c>none</c> to refuse them.</summary>
    public string? DefaultRole { get; set; }

    /// <summary>The claim naming the person's organisation id; when unset everyone signs in to <c>default</c>.</summary>
    public string? OrgClaim { get; set; }

    /// <summary>The claim holding the person's display name; when unset <c>name</c>, else <c>preferred_username</c>, else <c>email</c>.</summary>
    public string? NameClaim { get; set; }

    public bool IsEnabled => !string.IsNullOrWhiteSpace(Authority);

    public string EffectiveDisplayName => string.IsNullOrWhiteSpace(DisplayName) ? "single sign-on" : DisplayName.Trim();

    public IReadOnlyList<string> ScopesToAsk() => Scopes is { Length: > 0 } ? Scopes : DefaultScopes;
}
