namespace Nightshift.Core.Teams;

/// <summary>
/// Who is asking: the person (or automation) behind a request, the organisation everything they see is scoped to, and
/// what they may do. Set by the server's authentication for every request that is not public.
/// </summary>
/// <param name="OrgId">the organisation every read and write of the request is scoped to.</param>
/// <param name="UserId">the user's id (<c>usr_…</c>).</param>
/// <param name="UserName">the user's display name, for the audit log and pages.</param>
/// <param name="Role">the user's role in <paramref name="OrgId"/>.</param>
/// <param name="Scopes">what the request may do: the token's scopes within the role's, or the role's for a session.</param>
/// <param name="TokenId">the API token used (<c>tok_…</c>); null for a dashboard session.</param>
/// <param name="Via"><c>token</c>, <c>session</c> (dashboard cookie after a token sign-in) or <c>oidc</c> (dashboard cookie after an OpenID Connect sign-in).</param>
public sealed record Caller(
    string OrgId,
    string UserId,
    string UserName,
    TeamRole Role,
    IReadOnlySet<string> Scopes,
    string? TokenId,
    string Via)
{
    public bool Has(string scope) => Teams.Scopes.Allows(Scopes, scope);

    /// <summary>True for an admin of the default organisation: the only caller that may create and list organisations.</summary>
    public bool IsInstallationAdmin => OrgId == OrgIds.Default && Has(Teams.Scopes.Admin);
}
