namespace Nightshift.TestKit.Forges;

/// <summary>A merge request (GitLab) or pull request (Gitea) as a fake forge holds it.</summary>
public sealed class FakeMergeRequest
{
    public required long Number { get; init; }

    public required string Repository { get; init; }

    public required string SourceBranch { get; init; }

    public required string TargetBranch { get; init; }

    public required string Title { get; set; }

    public string Description { get; set; } = string.Empty;

    public List<string> Labels { get; } = [];

    /// <summary>GitLab: reviewer user ids as sent; Gitea: reviewer names.</summary>
    public List<string> Reviewers { get; } = [];

    public bool Open { get; set; } = true;

    /// <summary>A fork's merge request carries another repository as its source.</summary>
    public string? SourceRepository { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }
}
