using Octokit;

namespace Nightshift.Forges.GitHub;

/// <summary>
/// A pull request review comment as GitHub's REST API answers it, with the file line (<c>line</c>,
/// <c>original_line</c>) that Octokit's own model leaves out. Filled by Octokit's deserializer (snake_case names).
/// </summary>
internal sealed class GitHubReviewComment
{
    public long Id { get; set; }

    public User? User { get; set; }

    public string? Body { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public string? HtmlUrl { get; set; }

    public string? Path { get; set; }

    public int? Line { get; set; }

    public int? OriginalLine { get; set; }
}
