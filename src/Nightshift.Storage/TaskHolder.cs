using Nightshift.Core.Tasks;

namespace Nightshift.Storage;

/// <summary>Who holds a task now and who held it last: what a worker needs to decide whether a worktree it keeps is still its own.</summary>
/// <param name="TaskId">the task.</param>
/// <param name="Status">its state now.</param>
/// <param name="LeaseOwner">the worker whose lease it runs under, while it runs; null otherwise.</param>
/// <param name="LastWorker">the worker that claimed its latest attempt (from its last <c>task.started</c> event); null when never claimed.</param>
public sealed record TaskHolder(string TaskId, TaskState Status, string? LeaseOwner, string? LastWorker);
