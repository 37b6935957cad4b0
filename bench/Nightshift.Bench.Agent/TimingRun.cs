using System.Diagnostics;
using Nightshift.Core.Execution;
using Nightshift.Core.Forges;
using Nightshift.Core.Tasks;
using Nightshift.Core.Usage;

namespace Nightshift.Bench.Agent;

/// <summary>The worker's run, passed through, noting when each event type was first written (once the store took it).</summary>
internal sealed class TimingRun(ITaskRun inner, RunMarks marks) : ITaskRun
{
    public TaskRecord Task => inner.Task;

    public int Attempt => inner.Attempt;

    public string? Checkpoint => inner.Checkpoint;

    public StopReason StopReason => inner.StopReason;

    public async Task<long> EmitAsync(string type, string dataJson, CancellationToken cancellationToken = default)
    {
        var sequence = await inner.EmitAsync(type, dataJson, cancellationToken);
        marks.FirstEvent.TryAdd(type, Stopwatch.GetTimestamp());
        return sequence;
    }

    public Task SetPhaseAsync(TaskPhase phase, CancellationToken cancellationToken = default) => inner.SetPhaseAsync(phase, cancellationToken);

    public Task CheckpointAsync(string checkpointJson, CancellationToken cancellationToken = default) => inner.CheckpointAsync(checkpointJson, cancellationToken);

    public Task RecordUsageAsync(UsageRecord usage, CancellationToken cancellationToken = default) => inner.RecordUsageAsync(usage, cancellationToken);

    public Task SetPlanAsync(string planJson, CancellationToken cancellationToken = default) => inner.SetPlanAsync(planJson, cancellationToken);

    public Task<PullRequest> SavePullRequestAsync(PullRequest pullRequest, CancellationToken cancellationToken = default) =>
        inner.SavePullRequestAsync(pullRequest, cancellationToken);
}
