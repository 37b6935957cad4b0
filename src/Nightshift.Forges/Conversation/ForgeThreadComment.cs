namespace Nightshift.Forges.Conversation;

/// <summary>A comment with the issue or pull request it was written on, as a repository-wide listing answers it.</summary>
public sealed record ForgeThreadComment(ForgeThread Thread, string ThreadUrl, ThreadComment Comment);
