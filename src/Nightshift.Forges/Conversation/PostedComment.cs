namespace Nightshift.Forges.Conversation;

/// <summary>A comment Nightshift posted: the forge's id for it and its web address when the forge gives one.</summary>
public sealed record PostedComment(string Id, string? Url);
