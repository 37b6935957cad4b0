using Nightshift.Core.Execution;
using Nightshift.Core.Forges;
using Nightshift.Core.Tasks;
using Nightshift.Core.Usage;

namespace Nightshift.Agent.Execution;

/// <summary>
/// Passes an attempt's writes on one at a time. Parallel subtasks run agent loops side by side, and each reports its
/// events and usage through the same run; serialised, the event log keeps one writer and a store or test double
/// need not be thread-safe.
/// </summary>
internal sealed class SerializedTaskRun(ITaskRun inner) : ITaskRun, IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public TaskRecord Task => inner.Task;

    public int Attempt => inner.Attempt;

    public string? Checkpoint => inner.Checkpoint;

    public StopReason StopReason => inner.StopReason;

    public async Task<long> EmitAsync(string type, string dataJson, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            return await inner.EmitAsync(type, dataJson, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The phase last set through this run (none before the first).</summary>
    public TaskPhase Phase { get; private set; }

    public Task SetPhaseAsync(TaskPhase phase, CancellationToken cancellationToken = default)
    {
        Phase = phase;
        return OneAtATimeAsync(token => inner.SetPhaseAsync(phase, token), cancellationToken);
    }

    public Task CheckpointAsync(string checkpointJson, CancellationToken cancellationToken = default) =>
        OneAtATimeAsync(token => inner.CheckpointAsync(checkpointJson, token), cancellationToken);

    public Task RecordUsageAsync(UsageRecord usage, CancellationToken cancellationToken = default) =>
        OneAtATimeAsync(token => inner.RecordUsageAsync(usage, token), cancellationToken);

    public Task SetPlanAsync(string planJson, CancellationToken cancellationToken = default) =>
        OneAtATimeAsync(token => inner.SetPlanAsync(planJson, token), cancellationToken);

    public async Task<PullRequest> SavePullRequestAsync(PullRequest pullRequest, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            return await inner.SavePullRequestAsync(pullRequest, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    public Task RecordCommandAsync(CommandAuditEntry entry, CancellationToken cancellationToken = default) =>
        OneAtATimeAsync(token => inner.RecordCommandAsync(entry, token), cancellationToken);

    public bool Converses => inner.Converses;

    public async Task<IReadOnlyList<TaskConversationEntry>> TakeMessagesAsync(long afterSeq, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            return await inner.TakeMessagesAsync(afterSeq, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    private async Task OneAtATimeAsync(Func<CancellationToken, Task> write, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await write(cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }
}
