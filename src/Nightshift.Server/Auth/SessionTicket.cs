namespace Nightshift.Server.Auth;

/// <summary>What the dashboard's session cookie says: who signed in, in which organisation, how, and until when.</summary>
/// <param name="Via"><c>session</c> after a token sign-in, <c>oidc</c> after an OpenID Connect one.</param>
internal sealed record SessionTicket(string OrgId, string UserId, string Via, DateTimeOffset ExpiresAt);
