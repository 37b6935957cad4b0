namespace Nightshift.TestKit.Forges;

/// <summary>A review on a pull request; state is Gitea's: APPROVED, REQUEST_CHANGES, COMMENT or PENDING.</summary>
public sealed record FakeGiteaReview(long Id, string Repository, long Pull, string Author, string State, string Body, DateTimeOffset SubmittedAt);
