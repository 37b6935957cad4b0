using System.Data.Common;
using Nightshift.Core.Errors;
using Nightshift.Core.Forges;
using Nightshift.Core.Tasks;

namespace Nightshift.Storage.Relational;

internal abstract partial class RelationalStore
{
    /// <summary>Longest pull request title kept; forges allow a few hundred characters, the executor sends under 100.</summary>
    internal const int MaxPullRequestTitleLength = 1_000;

    /// <summary>Longest pull request body kept, in characters.</summary>
    internal const int MaxPullRequestBodyLength = 1024 * 1024;

    private const string PullRequestColumns = "task_id, forge, reference, repo, branch, base_branch, title, body, diff, draft, opened_at, updated_at";

    public async Task<PullRequest> SavePullRequestAsync(Lease lease, PullRequest pullRequest, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        ArgumentNullException.ThrowIfNull(pullRequest);
        if (!string.Equals(pullRequest.TaskId, lease.TaskId, StringComparison.Ordinal))
        {
            throw new ValidationException(
                "taskId",
                $"the pull request names task '{Clip(pullRequest.TaskId ?? "", 40)}' but the lease is for task {lease.TaskId}; a worker keeps only the pull request of the task it holds");
        }
        Require("forge", pullRequest.Forge, 100);
        Require("reference", pullRequest.Reference, NewTask.MaxRepoLength);
        Require("repo", pullRequest.Repo, NewTask.MaxRepoLength);
        Require("branch", pullRequest.Branch, NewTask.MaxBranchLength);
        Require("baseBranch", pullRequest.BaseBranch, NewTask.MaxBranchLength);
        Payloads.EnsureText("title", pullRequest.Title ?? throw new ValidationException("title", "is missing; give the pull request's title"), MaxPullRequestTitleLength);
        Payloads.EnsureText("body", pullRequest.Body ?? throw new ValidationException("body", "is missing; give the pull request's body (it may be empty)"), MaxPullRequestBodyLength);
        var diff = WithoutNul(PullRequestDiff.Cap(pullRequest.Diff ?? "", Options.MaxDiffBytes, pullRequest.Branch));

        var now = Now();
        await using var scope = await BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        // The lease is checked under the task row's lock in the same transaction as the write: an attempt that lost the
        // task cannot replace what its new owner stored, even by racing it.
        var row = await LockLeaseAsync(scope, lease, now, cancellationToken).ConfigureAwait(false);
        var stored = await scope.Session.QuerySingleAsync(
            $"""
            INSERT INTO pull_requests ({PullRequestColumns})
            VALUES (@id, @forge, @reference, @repo, @branch, @base, @title, @body, @diff, @draft, @opened, @updated)
            ON CONFLICT (task_id) DO UPDATE SET
                forge = excluded.forge, reference = excluded.reference, repo = excluded.repo, branch = excluded.branch,
                base_branch = excluded.base_branch, title = excluded.title, body = excluded.body, diff = excluded.diff,
                draft = excluded.draft, updated_at = excluded.updated_at
            RETURNING {PullRequestColumns}
            """,
            [
                ("id", row.Id), ("forge", pullRequest.Forge), ("reference", pullRequest.Reference), ("repo", pullRequest.Repo),
                ("branch", pullRequest.Branch), ("base", pullRequest.BaseBranch), ("title", WithoutNul(pullRequest.Title)), ("body", WithoutNul(pullRequest.Body)),
                ("diff", diff), ("draft", pullRequest.Draft), ("opened", TaskColumns.Ms(pullRequest.OpenedAt)),
                ("updated", TaskColumns.Ms(pullRequest.UpdatedAt)),
            ],
            ReadPullRequest,
            cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"the pull request of task {row.Id} was not stored");
        await CommitAsync(scope).ConfigureAwait(false);
        return stored;
    }

    public async Task<PullRequest?> FindPullRequestAsync(string taskId, CancellationToken cancellationToken = default)
    {
        if (!TaskId.LooksValid(taskId))
        {
            return null;
        }
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await new DbSession(connection, null).QuerySingleAsync(
            $"SELECT {PullRequestColumns} FROM pull_requests WHERE task_id = @id",
            [("id", taskId)],
            ReadPullRequest,
            cancellationToken).ConfigureAwait(false);
    }

    private static PullRequest ReadPullRequest(DbDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetString(6),
        r.GetString(7), r.GetString(8), TaskColumns.Bool(r, 9), TaskColumns.Time(r.GetInt64(10)), TaskColumns.Time(r.GetInt64(11)));

    /// <summary>PostgreSQL text cannot hold NUL; a model's summary might, so both dialects keep U+FFFD in its place.</summary>
    private static string WithoutNul(string text) => text.Contains('\0', StringComparison.Ordinal) ? text.Replace('\0', '\uFFFD') : text;

    private static void Require(string field, string? value, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new ValidationException(field, "is missing; a pull request record needs it");
        }
        Payloads.EnsureText(field, value, maxLength);
    }

    private static string Clip(string value, int max) => value.Length <= max ? value : value[..max] + "…";
}
