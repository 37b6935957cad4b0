namespace Nightshift.Server.Teams;

/// <summary>The answer to <c>POST /api/v1/tokens</c>: the only place the token is ever shown.</summary>
internal sealed record TokenCreatedResponse(
    string Token,
    string Id,
    string OrgId,
    string UserId,
    string Name,
    string Hint,
    IReadOnlyList<string> Scopes,
    string State,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ExpiresAt)
{
    public static TokenCreatedResponse From(string token, TokenView view) => new(
        token, view.Id, view.OrgId, view.UserId, view.Name, view.Hint, view.Scopes, view.State, view.CreatedAt, view.ExpiresAt);
}
