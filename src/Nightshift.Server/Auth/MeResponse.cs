namespace Nightshift.Server.Auth;

/// <summary>The body of <c>GET /api/v1/me</c>: who the server takes the caller for.</summary>
/// <param name="Scopes">what the request may do: the token's scopes within the role's (a session: the role's).</param>
/// <param name="TokenId">the token used; null for a dashboard session.</param>
/// <param name="Via"><c>token</c>, <c>session</c> or <c>oidc</c>.</param>
public sealed record MeResponse(string OrgId, string UserId, string UserName, string Role, IReadOnlyList<string> Scopes, string? TokenId, string Via);
