namespace Nightshift.Server.Orgs;

/// <summary>
/// The answer to <c>POST /api/v1/orgs</c>: the organisation, its first admin and that admin's token. The token is in
/// this answer only; the server keeps its hash.
/// </summary>
internal sealed record OrgCreatedResponse(
    string Id,
    string Name,
    OrgQuotasView Quotas,
    IReadOnlyList<string> AllowedRepos,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    string AdminUserId,
    string AdminTokenId,
    string AdminToken);
