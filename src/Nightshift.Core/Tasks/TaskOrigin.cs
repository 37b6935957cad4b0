using System.Globalization;

namespace Nightshift.Core.Tasks;

/// <summary>
/// Where on a forge a task came from: the issue or pull request its status, questions and replies go back to, and the
/// comments it answers. Written by the webhook triggers from verified deliveries; every field is bounded.
/// </summary>
public sealed record TaskOrigin
{
    public const int MaxUrlLength = 500;
    public const int MaxIdLength = 100;
    public const int MaxRepositoryLength = 300;
    public const int MaxReviewComments = 100;

    /// <summary>The forge's kind: github, gitlab or gitea.</summary>
    public required string Forge { get; init; }

    /// <summary>The repository's path on the forge, owner/name (GitLab: group/…/name).</summary>
    public required string Repository { get; init; }

    public required TaskOriginKind Kind { get; init; }

    /// <summary>The or pull request's number (GitLab: iid).</summary>
    public required long Number { get; init; }

    /// <summary>The or pull request's web address.</summary>
    public required string Url { get; init; }

    /// <summary>Who asked (the label's adder, the comment's or review's author).</summary>
    public string? Actor { get; init; }

    /// <summary>The comment that asked, when one did (reactions and replies go on it).</summary>
    public string? CommentId { get; init; }

    /// <summary>The review comments a follow-up answers, each replied to once the change is pushed.</summary>
    public IReadOnlyList<string> ReviewComments { get; init; } = [];

    /// <summary>The key tasks are found by from their issue or pull request: <c>forge:owner/name#number</c>, lower case.</summary>
    public string Key => $"{Forge}:{Repository}#{Number.ToString(CultureInfo.InvariantCulture)}".ToLowerInvariant();

    /// <returns>the problems with this origin, empty when it is usable.</returns>
    public IEnumerable<string> Problems()
    {
        if (Forge is not ("github" or "gitlab" or "gitea"))
        {
            yield return "origin.forge must be github, gitlab or gitea";
        }
        if (string.IsNullOrWhiteSpace(Repository) || Repository.Length > MaxRepositoryLength || Repository.Any(char.IsControl) || !Repository.Contains('/', StringComparison.Ordinal))
        {
            yield return $"origin.repository must be owner/name, at most {MaxRepositoryLength} characters";
        }
        if (Number <= 0)
        {
            yield return "origin.number must be a positive whole number";
        }
        if (string.IsNullOrEmpty(Url) || Url.Length > MaxUrlLength || !Uri.TryCreate(Url, UriKind.Absolute, out var url) || url.Scheme is not ("https" or "http"))
        {
            yield return $"origin.url must be an http(s) address of at most {MaxUrlLength} characters";
        }
        if (!IsShortText(Actor) || !IsShortText(CommentId))
        {
            yield return $"origin.actor and origin.commentId must be at most {MaxIdLength} printable characters";
        }
        if (ReviewComments is null || ReviewComments.Count > MaxReviewComments || ReviewComments.Any(id => string.IsNullOrEmpty(id) || !IsShortText(id)))
        {
            yield return $"origin.reviewComments must hold at most {MaxReviewComments} ids of at most {MaxIdLength} printable characters";
        }
    }

    private static bool IsShortText(string? value) => value is null || (value.Length <= MaxIdLength && !value.Any(char.IsControl));
}
