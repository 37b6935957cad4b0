namespace Nightshift.Server.Secrets;

/// <summary><c>GET /api/v1/orgs/{id}/secrets</c>: the organisation's secrets by name, and the names it may set.</summary>
public sealed record SecretListResponse(string OrgId, IReadOnlyList<SecretView> Secrets, IReadOnlyList<string> Known);
