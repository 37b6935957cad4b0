using Nightshift.Core.Execution;

namespace Nightshift.Storage.Commands;

/// <summary>
/// The command audit trail: every command a task ran in a jail (setup, the agent's own, verification), numbered per
/// task in the order they were recorded. Rows outlive the task's worktree. Reads are not scoped by organisation here:
/// the caller finds the task in its organisation first (<see cref="ITaskStore.FindInOrgAsync"/>).
/// </summary>
public interface ICommandAuditStore
{
    /// <summary>
    /// Appends <paramref name="entry"/> to the trail of the lease's task as its next number, under the attempt the lease
    /// holds. Fenced by <paramref name="lease"/> like every worker write (throws <see cref="Core.Errors.LeaseLostException"/>
    /// once it no longer holds). Long values are kept bounded rather than refused: the command line and working folder
    /// are cut with a marker, NUL becomes U+FFFD, and at most <see cref="CommandAuditEntry.MaxHosts"/> host rows are
    /// kept (the rest are folded into the last one). Returns the row as stored.
    /// </summary>
    Task<TaskCommand> RecordCommandAsync(Lease lease, CommandAuditEntry entry, CancellationToken cancellationToken = default);

    /// <summary>
    /// The task's commands numbered above <paramref name="afterSeq"/>, oldest first, at most <paramref name="limit"/>
    /// (1 to <see cref="TaskCommandPage.MaxLimit"/>); an unknown task has none.
    /// </summary>
    Task<TaskCommandPage> ListCommandsAsync(string taskId, long afterSeq, int limit, CancellationToken cancellationToken = default);

    /// <summary>Totals over every command of the task: how many, how many failed, and the egress proxy's decisions per host.</summary>
    Task<TaskCommandTotals> CommandTotalsAsync(string taskId, CancellationToken cancellationToken = default);
}
