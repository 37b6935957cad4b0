namespace Nightshift.Storage.Relational;

/// <summary>What losing a committed write in a crash of the database server would cost, from none to unacceptable.</summary>
internal enum CommitDurability
{
    /// <summary>Losing it loses work or a person's action (a submit, an event, a checkpoint): always wait for the flush.</summary>
    Required,

    /// <summary>
    /// A claim on its own. If a crash loses it, the task is simply queued again and the claiming worker cannot act on
    /// it: its next write carries a lease token the database no longer knows and is refused. And if the worker's next
    /// write is durable, that write's flush makes the claim durable too (the log is flushed in order). So it never
    /// waits for the flush.
    /// </summary>
    FencedIfLost,

    /// <summary>
    /// A heartbeat or a worker's final finish: losing one lets the task be reclaimed and run again (with its side
    /// effects), so it waits for the flush unless the operator opted in (<see cref="StoreOptions.PostgresFastWorkerCommits"/>).
    /// </summary>
    RerunIfLost,
}
