using Nightshift.Core.Forges;

namespace Nightshift.Storage;

/// <summary>
/// Each task's pull request and the diff published with it, kept in the store (not in a worker's data folder) so that
/// every server of a fleet can show them.
/// </summary>
public interface IPullRequestStore
{
    /// <summary>
    /// Keeps <paramref name="pullRequest"/> as the task's pull request, replacing the earlier one but keeping its
    /// <see cref="PullRequest.OpenedAt"/>. Fenced by <paramref name="lease"/> like every worker write (throws
    /// <see cref="Core.Errors.LeaseLostException"/> once it no longer holds), so a stale attempt cannot replace the
    /// record of the task's new owner. A diff over <see cref="StoreOptions.MaxDiffBytes"/> is cut with
    /// <see cref="PullRequestDiff.CutMarker"/>. Returns the record as stored.
    /// </summary>
    Task<PullRequest> SavePullRequestAsync(Lease lease, PullRequest pullRequest, CancellationToken cancellationToken = default);

    /// <returns>the task's pull request, or null when none was opened (or the id is not a task id).</returns>
    Task<PullRequest?> FindPullRequestAsync(string taskId, CancellationToken cancellationToken = default);
}
