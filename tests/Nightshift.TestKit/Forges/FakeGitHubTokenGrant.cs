namespace Nightshift.TestKit.Forges;

/// <summary>An installation token the fake issued, with what it was narrowed to.</summary>
public sealed record FakeGitHubTokenGrant(string Token, long InstallationId, IReadOnlyList<string> Repositories, IReadOnlyDictionary<string, string> Permissions, DateTimeOffset ExpiresAt);
