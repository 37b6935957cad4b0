using Nightshift.Core.Execution;

namespace Nightshift.Storage;

/// <summary>The executor's view of a follow-up's parent task and its pull request, read from the store.</summary>
internal sealed class StoreFollowUpSource(INightshiftStore store) : IFollowUpSource
{
    public async Task<FollowUpParent?> FindParentAsync(string taskId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(taskId);
        var task = await store.FindAsync(taskId, cancellationToken).ConfigureAwait(false);
        if (task is null)
        {
            return null;
        }
        return new FollowUpParent(task, await store.FindPullRequestAsync(taskId, cancellationToken).ConfigureAwait(false));
    }
}
