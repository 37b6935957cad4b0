using Nightshift.Core.Execution;

namespace Nightshift.Storage.Commands;

/// <summary>One row of a task's command audit trail: its number in the task (from 1), the attempt that ran it, and what was kept of it.</summary>
public sealed record TaskCommand(string TaskId, long Seq, int Attempt, CommandAuditEntry Entry)
{
    /// <summary>True when it exited non-zero or a limit ended it (a command merely held back by the process limit that still exited 0 is not a failure).</summary>
    public bool Failed => Entry.ExitCode != 0 || Entry.Limit is not null and not "processes";
}
