using Nightshift.Core.Errors;
using Nightshift.Core.Execution;
using Nightshift.Core.Tasks;
using Nightshift.Core.Usage;
using Nightshift.Server.Metrics;
using Nightshift.Storage;

namespace Nightshift.Server.Workers;

/// <summary>One attempt as the executor sees it; every write goes through the store, fenced by the lease.</summary>
internal sealed class LeasedTaskRun(Lease lease, ITaskQueue queue, ServerMetrics metrics) : ITaskRun
{
    private int _stopReason;

    public TaskRecord Task => lease.Task;

    public int Attempt => lease.Attempt;

    public string? Checkpoint => lease.Checkpoint;

    public StopReason StopReason => (StopReason)Volatile.Read(ref _stopReason);

    /// <summary>Records why the attempt stops. The first reason wins, except that a lost lease overrides any other.</summary>
    /// <returns>true when the reason changed.</returns>
    public bool TryStop(StopReason reason)
    {
        if (reason == StopReason.LeaseLost)
        {
            return Interlocked.Exchange(ref _stopReason, (int)reason) != (int)reason;
        }
        return Interlocked.CompareExchange(ref _stopReason, (int)reason, (int)StopReason.None) == (int)StopReason.None;
    }

    public async Task<long> EmitAsync(string type, string dataJson, CancellationToken cancellationToken = default)
    {
        EnsureLeaseHeld();
        var sequence = await queue.AppendEventAsync(lease, type, dataJson, cancellationToken);
        metrics.EventsAppended();
        return sequence;
    }

    public async System.Threading.Tasks.Task SetPhaseAsync(TaskPhase phase, CancellationToken cancellationToken = default)
    {
        EnsureLeaseHeld();
        await queue.SetPhaseAsync(lease, phase, cancellationToken);
        metrics.EventsAppended();
    }

    public System.Threading.Tasks.Task CheckpointAsync(string checkpointJson, CancellationToken cancellationToken = default)
    {
        EnsureLeaseHeld();
        return queue.CheckpointAsync(lease, checkpointJson, cancellationToken);
    }

    public System.Threading.Tasks.Task RecordUsageAsync(UsageRecord usage, CancellationToken cancellationToken = default)
    {
        EnsureLeaseHeld();
        return queue.RecordUsageAsync(lease, usage, cancellationToken);
    }

    public System.Threading.Tasks.Task SetPlanAsync(string planJson, CancellationToken cancellationToken = default)
    {
        EnsureLeaseHeld();
        return queue.SetPlanAsync(lease, planJson, cancellationToken);
    }

    private void EnsureLeaseHeld()
    {
        // Once the worker knows the lease is gone, nothing more is written, not even a doomed attempt.
        if (StopReason == StopReason.LeaseLost)
        {
            throw new LeaseLostException(lease.TaskId, "the worker stopped this attempt");
        }
    }
}
