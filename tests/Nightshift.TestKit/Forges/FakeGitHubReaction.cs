namespace Nightshift.TestKit.Forges;

/// <summary>A reaction put through the fake GitHub's API: on an issue/pull request (<see cref="Subject"/> "issue", Id its number) or an issue comment ("comment", Id the comment's).</summary>
public sealed record FakeGitHubReaction(string Repository, string Subject, long Id, string Content);
