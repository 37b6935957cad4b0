namespace Nightshift.TestKit.Forges;

/// <summary>A review comment on a line of a pull request's diff on the fake GitHub; a reply has <see cref="InReplyTo"/>.</summary>
public sealed record FakeGitHubReviewComment(
    long Id,
    string Repository,
    long Pull,
    long? ReviewId,
    string Author,
    string Body,
    string Path,
    int? Line,
    DateTimeOffset CreatedAt,
    long? InReplyTo = null,
    bool IsBot = false);
