namespace Nightshift.Server.Orgs;

/// <summary>A checked <c>PATCH /api/v1/orgs/{id}</c> body; null members are left as they are.</summary>
internal sealed record OrgPatchRequest(string? Name, OrgQuotasChange? Quotas, IReadOnlyList<string>? AllowedRepos);
