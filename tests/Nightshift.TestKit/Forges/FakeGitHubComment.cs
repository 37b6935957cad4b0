namespace Nightshift.TestKit.Forges;

/// <summary>A comment on an issue or pull request of the fake GitHub: seeded by a test, or posted through the API (then by <see cref="FakeGitHubServer.Login"/>).</summary>
public sealed record FakeGitHubComment(long Id, string Repository, long Number, string Author, string Body, DateTimeOffset CreatedAt, bool IsBot = false);
