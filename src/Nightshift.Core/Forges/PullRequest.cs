namespace Nightshift.Core.Forges;

/// <param name="Reference">what the task records and people open: a URL on GitHub, <c>local:&lt;task-id&gt;</c> on the local forge.</param>
public sealed record PullRequest(
    string TaskId,
    string Forge,
    string Reference,
    string Repo,
    string Branch,
    string BaseBranch,
    string Title,
    string Body,
    string Diff,
    bool Draft,
    DateTimeOffset OpenedAt,
    DateTimeOffset UpdatedAt);
