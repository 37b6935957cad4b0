using System.Collections.Concurrent;
using Nightshift.Core.Events;
using Nightshift.Core.Events.Payloads;
using Nightshift.Core.Execution;
using Nightshift.Core.Planning;
using Nightshift.Core.Serialization;
using Nightshift.Workspaces;

namespace Nightshift.Agent.Execution;

/// <summary>
/// The one place a subtask's progress is recorded, for every scheduler: the checkpoint first, then the
/// <c>subtask.*</c> and <c>commit.created</c> events that report it. A crash between the two then leaves a checkpoint
/// that knows more than the events, never an event the checkpoint does not know: a resumed attempt skips a completed
/// subtask (or merges a built one) instead of building and committing it again. Calls come one at a time (schedulers
/// serialise their reports).
/// </summary>
public sealed class SubtaskJournal
{
    /// <summary>Longest summary kept in the checkpoint and events.</summary>
    public const int MaxSummaryChars = 2_000;

    private const string EarlierAttempt = "finished by an earlier attempt (same fingerprint)";

    private readonly ITaskRun _run;
    private readonly Func<Func<ExecutionCheckpoint, ExecutionCheckpoint>, CancellationToken, Task> _updateCheckpoint;
    private readonly IReadOnlyList<Subtask> _order;
    private readonly ConcurrentDictionary<string, bool> _announced = new(StringComparer.Ordinal);

    /// <param name="updateCheckpoint">applies a change to the task's checkpoint and stores it (<see cref="TaskAttempt.UpdateAsync"/>).</param>
    internal SubtaskJournal(ITaskRun run, Plan plan, Func<Func<ExecutionCheckpoint, ExecutionCheckpoint>, CancellationToken, Task> updateCheckpoint)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(updateCheckpoint);
        _run = run;
        _updateCheckpoint = updateCheckpoint;
        _order = PlanGraph.TopologicalOrder(plan);
    }

    /// <summary>The build agent is about to work on <paramref name="work"/>: <c>subtask.started</c>, nothing stored.</summary>
    public Task StartedAsync(SubtaskWork work, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        var subtask = work.Subtask;
        var index = _order.Select((s, i) => (s.Id, Index: i)).FirstOrDefault(p => p.Id == subtask.Id, (subtask.Id, Index: -1)).Index;
        if (index < 0)
        {
            throw new ArgumentException($"subtask '{subtask.Id}' is not in the plan this journal records; start only subtasks of that plan", nameof(work));
        }
        return _run.EmitAsync(EventTypes.SubtaskStarted, NightshiftJson.Payload(new SubtaskStartedPayload(
            subtask.Id,
            subtask.Title,
            index,
            _order.Count,
            subtask.DependsOn,
            work.Isolation == SubtaskIsolation.OwnWorktree ? "own" : "task")), cancellationToken);
    }

    /// <summary>
    /// Records where a subtask got to. <see cref="SubtaskState.Built"/>, <see cref="SubtaskState.Completed"/> and
    /// <see cref="SubtaskState.Failed"/> are stored in the checkpoint (replacing an earlier entry for the subtask, and
    /// moving the checkpoint's commit to <see cref="SubtaskResult.Commit"/>) before any event; skipped and reused
    /// subtasks are only reported, a reused one once.
    /// </summary>
    /// <param name="commit">the commit a scheduler made for it in the task's worktree, if any (reported as <c>commit.created</c>).</param>
    public async Task RecordAsync(SubtaskResult result, CommitResult? commit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(result);
        var entry = result.Summary is { Length: > MaxSummaryChars } summary ? result with { Summary = summary[..(MaxSummaryChars - 1)] + "…" } : result;
        switch (entry.Status)
        {
            case SubtaskState.Built:
                var own = entry.SubtaskCommit ?? throw new ArgumentException($"built subtask '{entry.Id}' has no commit of its own; report it completed or failed instead", nameof(result));
                await StoreAsync(entry, cancellationToken);
                await EmitAsync(EventTypes.CommitCreated, new CommitCreatedPayload(own) { Subtask = entry.Id, Merged = false }, cancellationToken);
                break;
            case SubtaskState.Completed:
                await StoreAsync(entry, cancellationToken);
                await CommittedAsync(entry, commit, cancellationToken);
                if (entry.SubtaskCommit is not null)
                {
                    await EmitAsync(EventTypes.SubtaskMerged, new SubtaskMergedPayload(entry.Id, entry.Commit, entry.SubtaskCommit, entry.ConflictResolved), cancellationToken);
                }
                await EmitAsync(EventTypes.SubtaskCompleted, new SubtaskCompletedPayload(entry.Id, entry.Commit, entry.Summary, entry.Steps, null), cancellationToken);
                break;
            case SubtaskState.Failed:
                await StoreAsync(entry, cancellationToken);
                await CommittedAsync(entry, commit, cancellationToken);
                await EmitAsync(EventTypes.SubtaskFailed, new SubtaskFailedPayload(entry.Id, entry.Commit, entry.Summary, entry.Steps, entry.Reason), cancellationToken);
                break;
            case SubtaskState.Skipped:
                await EmitAsync(EventTypes.SubtaskSkipped, new SubtaskSkippedPayload(entry.Id, null, entry.Reason), cancellationToken);
                break;
            case SubtaskState.Reused when _announced.TryAdd(entry.Id, true):
                await EmitAsync(EventTypes.SubtaskSkipped, new SubtaskSkippedPayload(entry.Id, entry.Commit, EarlierAttempt), cancellationToken);
                break;
            case SubtaskState.Reused:
                break;
            default:
                throw new ArgumentException($"subtask '{entry.Id}' reported as {entry.Status}: a start is reported through {nameof(StartedAsync)}", nameof(result));
        }
    }

    private Task StoreAsync(SubtaskResult entry, CancellationToken cancellationToken) => _updateCheckpoint(c => c with
    {
        Stage = c.Reached(CheckpointStage.Planned) ? c.Stage : CheckpointStage.Planned,
        Subtasks = [.. c.Subtasks.Where(p => p.Id != entry.Id), entry],
        Commit = entry.Status == SubtaskState.Built ? c.Commit : entry.Commit ?? c.Commit,
    }, cancellationToken);

    private Task CommittedAsync(SubtaskResult entry, CommitResult? commit, CancellationToken cancellationToken) => commit is null
        ? Task.CompletedTask
        : EmitAsync(EventTypes.CommitCreated, new CommitCreatedPayload(commit.Commit)
        {
            Branch = commit.Branch,
            Files = [.. commit.ChangedPaths.Take(CommitCreatedPayload.MaxFiles)],
            Subtask = entry.Id,
        }, cancellationToken);

    private Task EmitAsync<T>(string type, T payload, CancellationToken cancellationToken) => _run.EmitAsync(type, NightshiftJson.Payload(payload), cancellationToken);
}
