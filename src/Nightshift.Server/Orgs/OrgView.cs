using Nightshift.Storage.Teams;

namespace Nightshift.Server.Orgs;

/// <summary>An organisation as <c>GET /api/v1/orgs/{id}</c> shows it.</summary>
/// <param name="AllowedRepos">empty: every repository the server itself allows.</param>
internal sealed record OrgView(
    string Id,
    string Name,
    OrgQuotasView Quotas,
    IReadOnlyList<string> AllowedRepos,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public static OrgView From(Organisation org) =>
        new(org.Id, org.Name, OrgQuotasView.From(org.Quotas), org.AllowedRepos, org.CreatedAt, org.UpdatedAt);
}
