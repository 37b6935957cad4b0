namespace Nightshift.TestKit.Forges;

/// <summary>
/// A comment the fake Gitea holds: on an issue or pull request (<see cref="ReviewId"/> null), or a review comment on a
/// line of a pull request's diff (then <see cref="Path"/> and <see cref="Line"/> say where).
/// </summary>
/// <param name="AuthorId">Gitea's user id; its own system users (ghost, Actions) are negative.</param>
public sealed record FakeGiteaComment(
    long Id,
    string Repository,
    long Issue,
    string Author,
    string Body,
    DateTimeOffset CreatedAt,
    long AuthorId = 1,
    long? ReviewId = null,
    string? Path = null,
    int? Line = null);
