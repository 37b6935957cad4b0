using Nightshift.Forges.Conversation;

namespace Nightshift.Server.ForgeStatus;

/// <summary>One notice an event calls for: its key within the task (what makes it once only) and what to post.</summary>
/// <param name="Body">the comment's or reply's Markdown, markers included; empty for a reaction.</param>
/// <param name="Reaction">the reaction, for <see cref="NoticeKind.Reaction"/>.</param>
/// <param name="ReviewComment">the review comment answered, for <see cref="NoticeKind.ReviewReply"/>.</param>
internal sealed record PlannedNotice(string Key, NoticeKind Kind, string Body, ForgeReaction Reaction = ForgeReaction.Eyes, string? ReviewComment = null);
