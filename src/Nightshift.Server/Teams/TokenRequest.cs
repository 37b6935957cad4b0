namespace Nightshift.Server.Teams;

/// <summary>A checked <c>POST /api/v1/tokens</c> body.</summary>
/// <param name="Scopes">null to take every scope the caller may give the user.</param>
/// <param name="ExpiresAt">null for a token that does not expire.</param>
/// <param name="UserId">null for the caller's own token.</param>
internal sealed record TokenRequest(string Name, IReadOnlyList<string>? Scopes, DateTimeOffset? ExpiresAt, string? UserId);
