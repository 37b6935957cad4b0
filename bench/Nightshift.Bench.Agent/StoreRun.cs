using Nightshift.Core.Execution;
using Nightshift.Core.Forges;
using Nightshift.Core.Tasks;
using Nightshift.Core.Usage;
using Nightshift.Storage;

namespace Nightshift.Bench.Agent;

/// <summary>An attempt whose events and usage go to the real store through the lease, as the worker's do.</summary>
internal sealed class StoreRun(Lease lease, INightshiftStore queue) : ITaskRun
{
    public TaskRecord Task => lease.Task;

    public int Attempt => lease.Attempt;

    public string? Checkpoint => lease.Checkpoint;

    public StopReason StopReason => StopReason.None;

    public Task<long> EmitAsync(string type, string dataJson, CancellationToken cancellationToken = default) =>
        queue.AppendEventAsync(lease, type, dataJson, cancellationToken);

    public Task SetPhaseAsync(TaskPhase phase, CancellationToken cancellationToken = default) => queue.SetPhaseAsync(lease, phase, cancellationToken);

    public Task CheckpointAsync(string checkpointJson, CancellationToken cancellationToken = default) => queue.CheckpointAsync(lease, checkpointJson, cancellationToken);

    public Task RecordUsageAsync(UsageRecord usage, CancellationToken cancellationToken = default) => queue.RecordUsageAsync(lease, usage, cancellationToken);

    public Task SetPlanAsync(string planJson, CancellationToken cancellationToken = default) => queue.SetPlanAsync(lease, planJson, cancellationToken);

    public Task<PullRequest> SavePullRequestAsync(PullRequest pullRequest, CancellationToken cancellationToken = default) =>
        queue.SavePullRequestAsync(lease, pullRequest, cancellationToken);
}
