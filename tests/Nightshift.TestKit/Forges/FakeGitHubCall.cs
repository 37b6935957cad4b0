namespace Nightshift.TestKit.Forges;

/// <summary>One request the fake GitHub received, as it arrived (the Authorization header included, for assertions).</summary>
public sealed record FakeGitHubCall(string Method, string Path, string Query, string? Authorization, string Body, int Status);
