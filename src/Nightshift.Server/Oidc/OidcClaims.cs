using System.Security.Claims;
using Nightshift.Core.Teams;
using Nightshift.Storage.Teams;

namespace Nightshift.Server.Oidc;

/// <summary>Reads a validated id_token's claims into an <see cref="OidcIdentity"/> by the <c>Auth:Oidc</c> mapping.</summary>
internal static class OidcClaims
{
    /// <summary>The longest subject accepted; the standard allows 255 ASCII characters.</summary>
    public const int MaxSubjectLength = 255;

    private static readonly string[] DefaultRoleClaims = ["roles", "groups"];
    private static readonly string[] DefaultNameClaims = ["name", "preferred_username", "email"];

    /// <returns>the identity, or null with <paramref name="refusal"/> saying why the person may not sign in.</returns>
    public static OidcIdentity? TryRead(IReadOnlyCollection<Claim> claims, OidcOptions options, out OidcRefusal refusal)
    {
        refusal = OidcRefusal.Failed;
        var sub = claims.FirstOrDefault(c => c.Type == "sub");
        var subject = sub?.Value;
        if (string.IsNullOrEmpty(subject) || subject.Length > MaxSubjectLength || subject.Any(char.IsControl))
        {
            refusal = OidcRefusal.NoSubject;
            return null;
        }
        var issuer = claims.FirstOrDefault(c => c.Type == "iss")?.Value ?? sub!.Issuer;
        if (string.IsNullOrEmpty(issuer) || issuer == ClaimsIdentity.DefaultIssuer)
        {
            return null;
        }

        if (RoleOf(claims, options) is not { } role)
        {
            refusal = OidcRefusal.NoRole;
            return null;
        }

        var orgId = OrgIds.Default;
        if (options.OrgClaim is { } orgClaim)
        {
            var named = claims.Where(c => c.Type == orgClaim).Select(c => c.Value).Distinct(StringComparer.Ordinal).ToList();
            // Two organisations for one person is a provider set-up Nightshift cannot choose between.
            if (named.Count != 1 || !OrgIds.IsValid(named[0]))
            {
                refusal = OidcRefusal.UnknownOrg;
                return null;
            }
            orgId = named[0];
        }

        return new OidcIdentity(issuer, subject, NameOf(claims, options, subject), role, orgId);
    }

    /// <summary>The highest role any of the person's values maps to, else the default role, else null.</summary>
    public static TeamRole? RoleOf(IReadOnlyCollection<Claim> claims, OidcOptions options)
    {
        var types = options.RoleClaim is { } configured ? [configured] : DefaultRoleClaims;
        var values = claims.Where(c => types.Contains(c.Type, StringComparer.Ordinal)).Select(c => c.Value).ToHashSet(StringComparer.Ordinal);
        if (Matches(values, options.AdminValues))
        {
            return TeamRole.Admin;
        }
        if (Matches(values, options.MemberValues))
        {
            return TeamRole.Member;
        }
        if (Matches(values, options.ViewerValues))
        {
            return TeamRole.Viewer;
        }
        return options.DefaultRole is { } text && TeamRoles.TryParse(text, out var fallback) ? fallback : null;
    }

    private static bool Matches(HashSet<string> values, string[]? mapped) => mapped is not null && mapped.Any(values.Contains);

    private static string NameOf(IReadOnlyCollection<Claim> claims, OidcOptions options, string subject)
    {
        var types = options.NameClaim is { } configured ? [configured] : DefaultNameClaims;
        foreach (var type in types)
        {
            var value = claims.FirstOrDefault(c => c.Type == type && !string.IsNullOrWhiteSpace(c.Value))?.Value;
            if (value is not null && Clean(value) is { Length: > 0 } name)
            {
                return name;
            }
        }
        return Clean(subject);
    }

    private static string Clean(string value)
    {
        var text = new string([.. value.Where(c => !char.IsControl(c))]).Trim();
        if (text.Length <= TeamUser.MaxNameLength)
        {
            return text;
        }
        // Never cut a character in half.
        var cut = char.IsHighSurrogate(text[TeamUser.MaxNameLength - 1]) ? TeamUser.MaxNameLength - 1 : TeamUser.MaxNameLength;
        return text[..cut].TrimEnd();
    }
}
