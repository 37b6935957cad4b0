namespace Nightshift.TestKit.Forges;

/// <summary>A reaction put on an issue or pull request (<see cref="CommentId"/> null) or on one of its comments.</summary>
public sealed record FakeGiteaReaction(string Repository, long? Issue, long? CommentId, string Content, string User);
