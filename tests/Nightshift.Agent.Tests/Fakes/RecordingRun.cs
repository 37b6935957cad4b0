using System.Collections.Concurrent;
using System.Text.Json;
using Nightshift.Core.Execution;
using Nightshift.Core.Forges;
using Nightshift.Core.Tasks;
using Nightshift.Core.Usage;

namespace Nightshift.Agent.Tests.Fakes;

/// <summary>An attempt that keeps its events, usage and checkpoints in memory so tests can read them back.</summary>
internal sealed class RecordingRun(TaskRecord task, string? checkpoint = null, int attempt = 1) : ITaskRun
{
    private long _sequence;

    public TaskRecord Task { get; } = task;

    public int Attempt { get; } = attempt;

    public string? Checkpoint { get; private set; } = checkpoint;

    public StopReason StopReason { get; set; }

    public ConcurrentQueue<(long Seq, string Type, JsonElement Data)> Events { get; } = new();

    public List<TaskPhase> Phases { get; } = [];

    public UsageTotals Usage { get; private set; } = UsageTotals.Zero;

    /// <summary>Every usage record, in the order the executor wrote them.</summary>
    public ConcurrentQueue<UsageRecord> UsageRecords { get; } = new();

    public IEnumerable<string> Types => Events.Select(e => e.Type);

    /// <summary>Called after each event is recorded, with the executor's token: a test can stop the attempt at an exact point.</summary>
    public Action<string, JsonElement, CancellationToken>? OnEvent { get; set; }

    public Task<long> EmitAsync(string type, string dataJson, CancellationToken cancellationToken = default)
    {
        using var doc = JsonDocument.Parse(dataJson);
        var seq = Interlocked.Increment(ref _sequence);
        var data = doc.RootElement.Clone();
        Events.Enqueue((seq, type, data));
        OnEvent?.Invoke(type, data, cancellationToken);
        return System.Threading.Tasks.Task.FromResult(seq);
    }

    public Task SetPhaseAsync(TaskPhase phase, CancellationToken cancellationToken = default)
    {
        Phases.Add(phase);
        return EmitAsync("task.phase", $"{{\"phase\":\"{phase.ToWire()}\"}}", cancellationToken);
    }

    /// <summary>Called after each checkpoint is stored, with the executor's token: a test can stop the attempt right there.</summary>
    public Action<string, CancellationToken>? OnCheckpoint { get; set; }

    public Task CheckpointAsync(string checkpointJson, CancellationToken cancellationToken = default)
    {
        Checkpoint = checkpointJson;
        OnCheckpoint?.Invoke(checkpointJson, cancellationToken);
        return System.Threading.Tasks.Task.CompletedTask;
    }

    public Task RecordUsageAsync(UsageRecord usage, CancellationToken cancellationToken = default)
    {
        Usage = Usage.Add(usage);
        UsageRecords.Enqueue(usage);
        return System.Threading.Tasks.Task.CompletedTask;
    }

    /// <summary>The plan the executor stored on the task, if any.</summary>
    public string? Plan { get; private set; }

    public Task SetPlanAsync(string planJson, CancellationToken cancellationToken = default)
    {
        Plan = planJson;
        return System.Threading.Tasks.Task.CompletedTask;
    }

    /// <summary>The pull request the executor kept for the task (as the store would: a replacement keeps the opening time).</summary>
    public PullRequest? PullRequest { get; private set; }

    /// <summary>How many times the executor kept a pull request record.</summary>
    public int PullRequestsSaved { get; private set; }

    public Task<PullRequest> SavePullRequestAsync(PullRequest pullRequest, CancellationToken cancellationToken = default)
    {
        PullRequest = PullRequest is { } earlier ? pullRequest with { OpenedAt = earlier.OpenedAt } : pullRequest;
        PullRequestsSaved++;
        return System.Threading.Tasks.Task.FromResult(PullRequest);
    }

    /// <summary>Every command the executor added to the command audit trail, in order.</summary>
    public ConcurrentQueue<CommandAuditEntry> Commands { get; } = new();

    /// <summary>When set, a command audit write throws it (a lost lease, a store that is down) and keeps nothing.</summary>
    public Exception? RecordCommandFailure { get; set; }

    public Task RecordCommandAsync(CommandAuditEntry entry, CancellationToken cancellationToken = default)
    {
        if (RecordCommandFailure is { } failure)
        {
            return System.Threading.Tasks.Task.FromException(failure);
        }
        Commands.Enqueue(entry);
        return System.Threading.Tasks.Task.CompletedTask;
    }

    public JsonElement Last(string type) => Events.Last(e => e.Type == type).Data;

    public IReadOnlyList<JsonElement> All(string type) => [.. Events.Where(e => e.Type == type).Select(e => e.Data)];
}
