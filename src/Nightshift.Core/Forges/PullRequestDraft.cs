namespace Nightshift.Core.Forges;

/// <param name="Draft">true when verification did not pass: the pull request is opened as a draft, marked as such.</param>
public sealed record PullRequestDraft(
    string TaskId,
    string Repo,
    string Branch,
    string BaseBranch,
    string Title,
    string Body,
    string Diff,
    bool Draft);
