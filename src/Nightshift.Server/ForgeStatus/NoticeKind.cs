namespace Nightshift.Server.ForgeStatus;

/// <summary>What one notice to a forge is.</summary>
internal enum NoticeKind
{
    /// <summary>A comment on the issue or pull request.</summary>
    Comment,

    /// <summary>A reaction on the comment that asked, or on the issue or pull request.</summary>
    Reaction,

    /// <summary>A reply to one review comment of the pull request.</summary>
    ReviewReply,
}
