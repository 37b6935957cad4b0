using System.Text.Json;
using Nightshift.Agent.Execution;
using Nightshift.Agent.Tests.Fakes;
using Nightshift.Core.Planning;
using Nightshift.Core.Tasks;

namespace Nightshift.Agent.Tests.Execution;

/// <summary>
/// A real <see cref="SubtaskJournal"/> over an attempt that keeps its events and checkpoint in memory, the checkpoint
/// written the way the executor writes it. <see cref="CrashAfter"/> makes the worker "die" right after a checkpoint
/// write, before the events that report it.
/// </summary>
internal sealed class JournalRun
{
    private static readonly HashSet<string> JournalTypes = new(StringComparer.Ordinal)
    {
        "subtask.started", "subtask.completed", "subtask.failed", "subtask.skipped", "commit.created",
    };

    public JournalRun(Plan plan, ExecutionCheckpoint? checkpoint = null)
    {
        Checkpoint = checkpoint ?? new ExecutionCheckpoint();
        Run = new RecordingRun(new TaskRecord
        {
            Id = TaskId.New(TimeProvider.System),
            Repo = "/repo",
            Instruction = "Build the plan",
            Title = "Build the plan",
            Status = TaskState.Running,
            CreatedAt = DateTimeOffset.UtcNow,
        }, Checkpoint.ToJson());
        Journal = new SubtaskJournal(Run, plan, UpdateAsync);
        Run.OnEvent = (type, data, _) =>
        {
            if (!KnownToTheCheckpoint(type, data))
            {
                Unknown.Enqueue($"{type} {data.GetRawText()}");
            }
        };
    }

    /// <summary>Events emitted while the checkpoint did not yet record what they report: always empty when the journal writes it first.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> Unknown { get; } = new();

    public RecordingRun Run { get; }

    public SubtaskJournal Journal { get; }

    public ExecutionCheckpoint Checkpoint { get; private set; }

    /// <summary>When it returns true for a checkpoint just stored, the attempt ends there with an <see cref="IOException"/>.</summary>
    public Func<ExecutionCheckpoint, bool>? CrashAfter { get; set; }

    /// <summary>What a resumed attempt's scheduler gets from this checkpoint.</summary>
    public IReadOnlyDictionary<string, SubtaskResult> Earlier => Checkpoint.Subtasks.ToDictionary(s => s.Id, StringComparer.Ordinal);

    /// <summary>The journal's events, as (type, subtask id), in the order emitted.</summary>
    public IReadOnlyList<(string Type, string Id)> Entries => [.. Run.Events
        .Where(e => JournalTypes.Contains(e.Type))
        .Select(e => (e.Type, Id(e.Type, e.Data)))];

    /// <summary>The journal's events of one subtask, in order.</summary>
    public IReadOnlyList<string> Of(string id) => [.. Entries.Where(e => e.Id == id).Select(e => e.Type)];

    private static string Id(string type, JsonElement data) =>
        data.GetProperty(type == "commit.created" ? "subtask" : "id").GetString()!;

    private bool KnownToTheCheckpoint(string type, JsonElement data)
    {
        var entries = Checkpoint.Subtasks;
        switch (type)
        {
            case "commit.created":
                var id = data.GetProperty("subtask").GetString();
                var commit = data.GetProperty("commit").GetString();
                return data.TryGetProperty("merged", out _)
                    ? entries.Any(e => e.Id == id && e.SubtaskCommit == commit)
                    : entries.Any(e => e.Id == id && e.Commit == commit);
            case "subtask.completed":
                return entries.Any(e => e.Id == data.GetProperty("id").GetString() && e.Status == SubtaskState.Completed);
            case "subtask.failed":
                return entries.Any(e => e.Id == data.GetProperty("id").GetString() && e.Status == SubtaskState.Failed);
            default:
                return true;
        }
    }

    private async Task UpdateAsync(Func<ExecutionCheckpoint, ExecutionCheckpoint> change, CancellationToken cancellationToken)
    {
        var next = change(Checkpoint);
        await Run.CheckpointAsync(next.ToJson(), cancellationToken);
        Checkpoint = next;
        if (CrashAfter?.Invoke(next) == true)
        {
            throw new IOException("the worker died right after writing the checkpoint");
        }
    }
}
