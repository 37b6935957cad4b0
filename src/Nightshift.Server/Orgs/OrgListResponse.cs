namespace Nightshift.Server.Orgs;

internal sealed record OrgListResponse(IReadOnlyList<OrgView> Items);
