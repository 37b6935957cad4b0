using Nightshift.Core.Errors;
using Nightshift.Core.Execution;
using Nightshift.Core.Forges;
using Nightshift.Core.Tasks;
using Nightshift.Core.Usage;
using Nightshift.Models.Recording;
using Nightshift.Server.Metrics;
using Nightshift.Server.Secrets;
using Nightshift.Storage;

namespace Nightshift.Server.Workers;

/// <summary>
/// One attempt as the executor sees it; every write goes through the store, fenced by the lease. It also keeps what the
/// worker's watch needs: when the executor last made progress, the phase it is in, and when it was told to stop.
/// Event data is written with every secret value this process has decrypted masked (<see cref="SecretValues"/>), so an
/// organisation's key that leaks into a tool's output does not reach the log of events.
/// </summary>
internal sealed class LeasedTaskRun(Lease lease, INightshiftStore queue, ServerMetrics metrics, TimeProvider time, SecretValues? secretValues = null) : ITaskRun
{
    private readonly DateTimeOffset _startedAt = time.GetUtcNow();
    private int _stopReason;
    private int _phase = (int)lease.Task.Phase;
    private long _lastProgressTicks = time.GetUtcNow().UtcTicks;
    private long _stoppedAtTicks;

    public TaskRecord Task => lease.Task;

    public int Attempt => lease.Attempt;

    public string? Checkpoint => lease.Checkpoint;

    public StopReason StopReason => (StopReason)Volatile.Read(ref _stopReason);

    /// <summary>When the worker claimed this attempt, by its clock.</summary>
    public DateTimeOffset StartedAt => _startedAt;

    /// <summary>The phase the executor last moved the task to.</summary>
    public TaskPhase Phase => (TaskPhase)Volatile.Read(ref _phase);

    /// <summary>The last time the executor wrote anything (event, phase, checkpoint, usage, plan), or the claim.</summary>
    public DateTimeOffset LastProgress => new(Interlocked.Read(ref _lastProgressTicks), TimeSpan.Zero);

    /// <summary>When the attempt was first told to stop; null while it runs on.</summary>
    public DateTimeOffset? StoppedAt => Interlocked.Read(ref _stoppedAtTicks) is var ticks and not 0 ? new(ticks, TimeSpan.Zero) : null;

    /// <summary>Records why the attempt stops. The first reason wins, except that a lost lease overrides any other.</summary>
    /// <returns>true when the reason changed.</returns>
    public bool TryStop(StopReason reason)
    {
        bool changed;
        if (reason == StopReason.LeaseLost)
        {
            changed = Interlocked.Exchange(ref _stopReason, (int)reason) != (int)reason;
        }
        else
        {
            changed = Interlocked.CompareExchange(ref _stopReason, (int)reason, (int)StopReason.None) == (int)StopReason.None;
        }
        Interlocked.CompareExchange(ref _stoppedAtTicks, time.GetUtcNow().UtcTicks, 0);
        return changed;
    }

    public async Task<long> EmitAsync(string type, string dataJson, CancellationToken cancellationToken = default)
    {
        EnsureLeaseHeld();
        if (secretValues is not null)
        {
            dataJson = secretValues.Redact(dataJson, SecretRedactor.Mask);
        }
        var sequence = await queue.AppendEventAsync(lease, type, dataJson, cancellationToken);
        metrics.EventsAppended();
        Progressed();
        return sequence;
    }

    public async System.Threading.Tasks.Task SetPhaseAsync(TaskPhase phase, CancellationToken cancellationToken = default)
    {
        EnsureLeaseHeld();
        await queue.SetPhaseAsync(lease, phase, cancellationToken);
        Volatile.Write(ref _phase, (int)phase);
        metrics.EventsAppended();
        Progressed();
    }

    public async System.Threading.Tasks.Task CheckpointAsync(string checkpointJson, CancellationToken cancellationToken = default)
    {
        EnsureLeaseHeld();
        await queue.CheckpointAsync(lease, checkpointJson, cancellationToken);
        Progressed();
    }

    public async System.Threading.Tasks.Task RecordUsageAsync(UsageRecord usage, CancellationToken cancellationToken = default)
    {
        EnsureLeaseHeld();
        await queue.RecordUsageAsync(lease, usage, cancellationToken);
        Progressed();
    }

    public async System.Threading.Tasks.Task SetPlanAsync(string planJson, CancellationToken cancellationToken = default)
    {
        EnsureLeaseHeld();
        await queue.SetPlanAsync(lease, planJson, cancellationToken);
        Progressed();
    }

    public async Task<PullRequest> SavePullRequestAsync(PullRequest pullRequest, CancellationToken cancellationToken = default)
    {
        EnsureLeaseHeld();
        var stored = await queue.SavePullRequestAsync(lease, pullRequest, cancellationToken);
        Progressed();
        return stored;
    }

    public async System.Threading.Tasks.Task RecordCommandAsync(CommandAuditEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        EnsureLeaseHeld();
        if (secretValues is not null)
        {
            // The command line is what the agent or the repository wrote: a key pasted into it is masked like in events.
            entry = entry with
            {
                Command = secretValues.Redact(entry.Command, SecretRedactor.Mask),
                WorkingDirectory = secretValues.Redact(entry.WorkingDirectory, SecretRedactor.Mask),
            };
        }
        await queue.RecordCommandAsync(lease, entry, cancellationToken);
        Progressed();
    }

    public bool Converses => true;

    public async Task<IReadOnlyList<TaskConversationEntry>> TakeMessagesAsync(long afterSeq, CancellationToken cancellationToken = default)
    {
        EnsureLeaseHeld();
        var entries = await queue.TakeMessagesAsync(lease, afterSeq, cancellationToken);
        Progressed();
        return entries;
    }

    /// <summary>
    /// The <see cref="WriteFence"/> check: throws <see cref="LeaseLostException"/> unless this attempt still holds the
    /// task, asking the store (which also renews the lease) when the worker itself has not given it up.
    /// </summary>
    public async System.Threading.Tasks.Task EnsureLeaseAsync(CancellationToken cancellationToken = default)
    {
        EnsureLeaseHeld();
        await queue.HeartbeatAsync(lease, cancellationToken);
    }

    private void Progressed() => Interlocked.Exchange(ref _lastProgressTicks, time.GetUtcNow().UtcTicks);

    private void EnsureLeaseHeld()
    {
        // Once the worker knows the lease is gone, nothing more is written, not even a doomed attempt.
        if (StopReason == StopReason.LeaseLost)
        {
            throw new LeaseLostException(lease.TaskId, "the worker stopped this attempt");
        }
    }
}
