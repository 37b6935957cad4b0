namespace Nightshift.TestKit.Forges;

/// <summary>A comment (GitLab: note) a fake forge stored on an issue.</summary>
public sealed record ForgeComment(string Repository, long Issue, string Body);
