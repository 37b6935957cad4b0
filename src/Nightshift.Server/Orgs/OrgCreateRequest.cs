using Nightshift.Storage.Teams;

namespace Nightshift.Server.Orgs;

/// <summary>A checked <c>POST /api/v1/orgs</c> body.</summary>
internal sealed record OrgCreateRequest(string Id, string Name, OrgQuotas Quotas, IReadOnlyList<string> AllowedRepos);
