using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Nightshift.Core.Configuration;
using Nightshift.Core.Teams;

namespace Nightshift.Server.Oidc;

/// <summary>Checks the <c>Auth:Oidc</c> section when the host starts.</summary>
internal sealed partial class OidcOptionsValidator : IValidateOptions<OidcOptions>
{
    public const int MaxValues = 200;
    public const int MaxValueLength = 200;
    public const int MaxScopes = 20;

    public ValidateOptionsResult Validate(string? name, OidcOptions options)
    {
        var checks = new SettingChecks();
        if (!options.IsEnabled)
        {
            if (!string.IsNullOrEmpty(options.ClientId) || !string.IsNullOrEmpty(options.ClientSecret))
            {
                checks.Fail("Auth:Oidc:Authority", "is not set while Auth:Oidc:ClientId or Auth:Oidc:ClientSecret is, so OpenID Connect sign-in is off; " +
                    "give the identity provider's issuer URL, or remove the Auth:Oidc section");
            }
            return Result(checks);
        }

        CheckAuthority(checks, options.Authority!);
        checks.PlainText("Auth:Oidc:ClientId", options.ClientId, 200, required: true);
        checks.PlainText("Auth:Oidc:ClientSecret", options.ClientSecret, 1_000);
        checks.PlainText("Auth:Oidc:DisplayName", options.DisplayName, 60);
        CheckScopes(checks, options.Scopes);
        CheckClaimName(checks, "Auth:Oidc:RoleClaim", options.RoleClaim);
        CheckClaimName(checks, "Auth:Oidc:OrgClaim", options.OrgClaim);
        CheckClaimName(checks, "Auth:Oidc:NameClaim", options.NameClaim);

        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        CheckValues(checks, "Auth:Oidc:AdminValues", options.AdminValues, seen);
        CheckValues(checks, "Auth:Oidc:MemberValues", options.MemberValues, seen);
        CheckValues(checks, "Auth:Oidc:ViewerValues", options.ViewerValues, seen);

        var hasDefault = false;
        if (options.DefaultRole is { } defaultRole && !string.Equals(defaultRole.Trim(), "none", StringComparison.OrdinalIgnoreCase))
        {
            if (TeamRoles.TryParse(defaultRole, out _))
            {
                hasDefault = true;
            }
            else
            {
                checks.Fail("Auth:Oidc:DefaultRole", $"is '{Clip(defaultRole)}'; give admin, member, viewer, or none to refuse people whose claims map to no role");
            }
        }
        if (!hasDefault && seen.Count == 0)
        {
            checks.Fail("Auth:Oidc:AdminValues", "and Auth:Oidc:MemberValues, Auth:Oidc:ViewerValues and Auth:Oidc:DefaultRole are all unset, so nobody could sign in; " +
                "map the provider's role or group values to roles, or give Auth:Oidc:DefaultRole");
        }
        return Result(checks);
    }

    /// <summary>True for an address of this machine: http is allowed there, nowhere else.</summary>
    public static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.DnsSafeHost, out var address) && IPAddress.IsLoopback(address));

    private static void CheckAuthority(SettingChecks checks, string authority)
    {
        const string setting = "Auth:Oidc:Authority";
        if (authority.Length > 2_000 || authority.Any(char.IsControl) || !Uri.TryCreate(authority.Trim(), UriKind.Absolute, out var uri))
        {
            checks.Fail(setting, $"is '{Clip(authority)}', not an absolute URL; give the identity provider's issuer, e.g. https://login.example.com/realms/acme");
            return;
        }
        if (uri.Scheme != Uri.UriSchemeHttps && !(uri.Scheme == Uri.UriSchemeHttp && IsLoopback(uri)))
        {
            checks.Fail(setting, $"is '{Clip(authority)}'; it must be an https:// URL (plain http is allowed only for a provider on this machine, 127.0.0.1 or localhost)");
            return;
        }
        if (uri.UserInfo.Length > 0 || uri.Query.Length > 0 || uri.Fragment.Length > 0)
        {
            checks.Fail(setting, $"is '{Clip(authority)}'; give the issuer URL alone, without user name, query or fragment");
        }
    }

    private static void CheckScopes(SettingChecks checks, string[]? scopes)
    {
        const string setting = "Auth:Oidc:Scopes";
        if (scopes is null)
        {
            return;
        }
        if (scopes.Length > MaxScopes)
        {
            checks.Fail(setting, $"has {scopes.Length} entries; give at most {MaxScopes}");
            return;
        }
        foreach (var scope in scopes)
        {
            if (scope is null || !ScopeToken().IsMatch(scope))
            {
                checks.Fail(setting, $"has '{Clip(scope ?? "")}', which is not a scope name (printable characters without spaces, quotes or backslashes, at most 100)");
                return;
            }
        }
        if (!scopes.Contains("openid", StringComparer.Ordinal))
        {
            checks.Fail(setting, "does not include 'openid', without which the provider sends no id_token; add it (the default is openid profile email)");
        }
    }

    private static void CheckClaimName(SettingChecks checks, string setting, string? claim)
    {
        if (claim is not null && !ClaimName().IsMatch(claim))
        {
            checks.Fail(setting, $"is '{Clip(claim)}'; give a claim name of letters, digits and _ . : / - (at most 200 characters)");
        }
    }

    private static void CheckValues(SettingChecks checks, string setting, string[]? values, Dictionary<string, string> seen)
    {
        if (values is null)
        {
            return;
        }
        if (values.Length > MaxValues)
        {
            checks.Fail(setting, $"has {values.Length} entries; give at most {MaxValues}");
            return;
        }
        foreach (var value in values)
        {
            if (string.IsNullOrWhiteSpace(value) || value.Length > MaxValueLength || value.Any(char.IsControl))
            {
                checks.Fail(setting, $"has '{Clip(value ?? "")}'; each value must be one line of 1 to {MaxValueLength} characters, as the provider sends it");
                return;
            }
            if (seen.TryGetValue(value, out var other) && other != setting)
            {
                checks.Fail(setting, $"has '{Clip(value)}', which {other} has too; give each value one role");
                return;
            }
            seen[value] = setting;
        }
    }

    private static ValidateOptionsResult Result(SettingChecks checks) =>
        checks.Failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(checks.Failures);

    private static string Clip(string value)
    {
        var clean = new string([.. value.Select(c => char.IsControl(c) ? '?' : c)]);
        return clean.Length > 100 ? clean[..100] + "…" : clean;
    }

    // RFC 6749 scope-token: %x21 / %x23-5B / %x5D-7E.
    [GeneratedRegex(@"^[\x21\x23-\x5B\x5D-\x7E]{1,100}$", RegexOptions.CultureInvariant)]
    private static partial Regex ScopeToken();

    [GeneratedRegex(@"^[A-Za-z0-9_.:/\-]{1,200}$", RegexOptions.CultureInvariant)]
    private static partial Regex ClaimName();
}
