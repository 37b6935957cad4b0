namespace Nightshift.Forges.Conversation;

/// <summary>An issue, or a pull request (GitLab: merge request).</summary>
public enum ForgeThreadKind
{
    Issue,
    PullRequest,
}
