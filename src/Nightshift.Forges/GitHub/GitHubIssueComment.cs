using Octokit;

namespace Nightshift.Forges.GitHub;

/// <summary>An issue comment as the repository-wide listing answers it, with the issue it belongs to (<c>issue_url</c>). Filled by Octokit's deserializer.</summary>
internal sealed class GitHubIssueComment
{
    public long Id { get; set; }

    public User? User { get; set; }

    public string? Body { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public string? HtmlUrl { get; set; }

    public string? IssueUrl { get; set; }
}
