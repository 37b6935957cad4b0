using Nightshift.Core.Tasks;
using Nightshift.Storage;
using Nightshift.Workspaces;

namespace Nightshift.Server.Workers;

/// <summary>
/// Which worktrees this worker's data folder keeps are another worker's business now, by the store: a task running
/// under another worker's lease, or a task that ended with another worker holding its last attempt (the worktree kept
/// for people to look at — "the work stays on the worktree kept for this task" — is the one of the worker that ended
/// it). A task waiting (queued for a retry, for approval, for an answer) keeps its copy: this worker may resume it.
/// </summary>
internal sealed class WorkerWorktreeOwner(ITaskHolders store, WorkerIdentity identity) : IKeptWorktreeOwner
{
    public async Task<IReadOnlySet<string>> FindNotOwnAsync(IReadOnlyCollection<string> taskIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(taskIds);
        var notOwn = new HashSet<string>(StringComparer.Ordinal);
        foreach (var chunk in taskIds.Chunk(ITaskHolders.MaxIds))
        {
            foreach (var holder in await store.FindHoldersAsync(chunk, cancellationToken))
            {
                if (!IsOwn(holder))
                {
                    notOwn.Add(holder.TaskId);
                }
            }
        }
        return notOwn;
    }

    private bool IsOwn(TaskHolder holder) => holder.Status switch
    {
        TaskState.Running => identity.Owns(holder.LeaseOwner),
        _ when holder.Status.IsTerminal() => identity.Owns(holder.LastWorker),
        _ => true,
    };
}
