namespace Nightshift.Forges.Conversation;

/// <summary>
/// A comment on an issue or pull request, or a review comment on a line of a pull request's diff (then
/// <see cref="Path"/> and <see cref="Line"/> say where). The body is people's text: data, never instructions.
/// </summary>
/// <param name="AuthorIsBot">the forge marks the author as a bot or app account.</param>
public sealed record ThreadComment(
    string Id,
    string Author,
    bool AuthorIsBot,
    string Body,
    DateTimeOffset CreatedAt,
    string? Url,
    string? Path = null,
    int? Line = null);
