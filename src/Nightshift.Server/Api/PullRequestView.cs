using System.Text;
using Nightshift.Core.Forges;

namespace Nightshift.Server.Api;

/// <summary>
/// A task's pull request as <c>GET /api/v1/tasks/{id}/pull-request</c> shows it: everything but the diff, which
/// <c>GET /api/v1/tasks/{id}/diff</c> serves. <c>diffCut</c> is true when the stored diff was cut at Storage:MaxDiffBytes.
/// </summary>
public sealed record PullRequestView(
    string TaskId,
    string Forge,
    string Reference,
    string Repo,
    string Branch,
    string BaseBranch,
    string Title,
    string Body,
    bool Draft,
    DateTimeOffset OpenedAt,
    DateTimeOffset UpdatedAt,
    long DiffBytes,
    bool DiffCut)
{
    internal static PullRequestView From(PullRequest pull) => new(
        pull.TaskId, pull.Forge, pull.Reference, pull.Repo, pull.Branch, pull.BaseBranch, pull.Title, pull.Body, pull.Draft,
        pull.OpenedAt, pull.UpdatedAt, Encoding.UTF8.GetByteCount(pull.Diff), PullRequestDiff.IsCut(pull.Diff));
}
