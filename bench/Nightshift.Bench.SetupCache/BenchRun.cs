using System.Collections.Concurrent;
using System.Text.Json;
using Nightshift.Core.Execution;
using Nightshift.Core.Forges;
using Nightshift.Core.Tasks;
using Nightshift.Core.Usage;

namespace Nightshift.Bench.SetupCache;

/// <summary>A task run that keeps its events in memory; the executor needs nothing more for the prepare phase.</summary>
internal sealed class BenchRun(TaskRecord task) : ITaskRun
{
    public TaskRecord Task { get; } = task;

    public int Attempt => 1;

    public string? Checkpoint { get; private set; }

    public StopReason StopReason { get; set; }

    public ConcurrentQueue<(string Type, JsonElement Data)> Events { get; } = new();

    public Task<long> EmitAsync(string type, string dataJson, CancellationToken cancellationToken = default)
    {
        Events.Enqueue((type, JsonDocument.Parse(dataJson).RootElement.Clone()));
        return System.Threading.Tasks.Task.FromResult((long)Events.Count);
    }

    public Task SetPhaseAsync(TaskPhase phase, CancellationToken cancellationToken = default) => System.Threading.Tasks.Task.CompletedTask;

    public Task CheckpointAsync(string checkpointJson, CancellationToken cancellationToken = default)
    {
        Checkpoint = checkpointJson;
        return System.Threading.Tasks.Task.CompletedTask;
    }

    public Task RecordUsageAsync(UsageRecord usage, CancellationToken cancellationToken = default) => System.Threading.Tasks.Task.CompletedTask;

    public Task SetPlanAsync(string planJson, CancellationToken cancellationToken = default) => System.Threading.Tasks.Task.CompletedTask;

    public Task<PullRequest> SavePullRequestAsync(PullRequest pullRequest, CancellationToken cancellationToken = default) =>
        System.Threading.Tasks.Task.FromResult(pullRequest);

    public JsonElement? Find(string type) => Events.Where(e => e.Type == type).Select(e => (JsonElement?)e.Data).LastOrDefault();
}
