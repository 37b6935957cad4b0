using Nightshift.Core.Execution;
using Nightshift.Core.Tasks;
using Nightshift.Core.Usage;

namespace Nightshift.Storage;

/// <summary>
/// What workers do. A claim hands out a lease with a fresh token; every later write carries it and is refused
/// with <see cref="Core.Errors.LeaseLostException"/> once the lease expired, was reclaimed or the task ended (fencing).
/// </summary>
public interface ITaskQueue
{
    /// <summary>
    /// Claims the most urgent runnable task (highest priority, then oldest; run-after passed; caps respected),
    /// moves it to running, counts an attempt and appends <c>task.started</c>. Null when nothing is claimable.
    /// </summary>
    Task<Lease?> TryClaimAsync(ClaimRequest request, CancellationToken cancellationToken = default);

    /// <summary>Extends the lease. The answer says whether someone asked to cancel the task.</summary>
    Task<HeartbeatResult> HeartbeatAsync(Lease lease, CancellationToken cancellationToken = default);

    /// <summary>Appends an event with the task's next sequence number and returns that number.</summary>
    Task<long> AppendEventAsync(Lease lease, string type, string dataJson, CancellationToken cancellationToken = default);

    /// <summary>Changes the phase of the running task and appends <c>task.phase</c>.</summary>
    Task SetPhaseAsync(Lease lease, TaskPhase phase, CancellationToken cancellationToken = default);

    /// <summary>Replaces the task's checkpoint (opaque JSON object).</summary>
    Task CheckpointAsync(Lease lease, string checkpointJson, CancellationToken cancellationToken = default);

    /// <summary>Adds a model call's usage to the task's totals and keeps the record.</summary>
    Task RecordUsageAsync(Lease lease, UsageRecord usage, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores the task's plan (JSON object). A plan's <c>summary</c> becomes the title while the title is still the one derived
    /// from the instruction (or the previous plan's summary); a title a person gave is kept. Approving an edited plan does the same.
    /// </summary>
    Task SetPlanAsync(Lease lease, string planJson, CancellationToken cancellationToken = default);

    /// <summary>
    /// Ends the attempt as the outcome says and releases the lease: a final state with its event; a retryable
    /// failure back to the queue with backoff and <c>task.retrying</c> (or <c>failed</c> once attempts are spent);
    /// waiting for approval; waiting for the answer to the agent's question (<c>task.question</c>, the attempt handed
    /// back); or released untouched (shutdown).
    /// </summary>
    Task<TaskRecord> FinishAsync(Lease lease, TaskOutcome outcome, CancellationToken cancellationToken = default);

    /// <summary>
    /// The periodic sweep. Returns tasks whose lease expired to the queue (attempts kept, <c>task.retrying</c>,
    /// checkpoint kept), or fails them once their attempts are spent; and ends plans that waited for approval longer
    /// than <see cref="StoreOptions.ApprovalTimeout"/> as timed_out (<c>task.timed_out</c>); and gives questions nobody
    /// answered by their deadline their default answer (<c>task.answered</c>, timedOut), queuing the task to resume.
    /// Returns how many tasks it moved.
    /// </summary>
    Task<int> ReclaimExpiredAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Waits until work may be claimable: a submit or release in this process, a NOTIFY from another (PostgreSQL),
    /// or <paramref name="maxWait"/> passing (the polling fallback).
    /// </summary>
    Task WaitForWorkAsync(TimeSpan maxWait, CancellationToken cancellationToken = default);
}
