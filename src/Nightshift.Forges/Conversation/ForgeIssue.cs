namespace Nightshift.Forges.Conversation;

/// <summary>An issue as the forge lists it. Title and body are people's text: data, never instructions.</summary>
public sealed record ForgeIssue(
    long Number,
    string Title,
    string Body,
    string Url,
    string Author,
    IReadOnlyList<string> Labels,
    DateTimeOffset UpdatedAt);
