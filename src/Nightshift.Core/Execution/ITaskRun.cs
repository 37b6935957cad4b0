using Nightshift.Core.Forges;
using Nightshift.Core.Tasks;
using Nightshift.Core.Usage;

namespace Nightshift.Core.Execution;

/// <summary>
/// One attempt at a task, as the executor sees it. Every write is fenced by the attempt's lease:
/// once the lease is lost they throw <see cref="Errors.LeaseLostException"/>.
/// </summary>
public interface ITaskRun
{
    TaskRecord Task { get; }

    /// <summary>1 for the first attempt.</summary>
    int Attempt { get; }

    /// <summary>The checkpoint the previous attempt left (opaque JSON), or null on a fresh start.</summary>
    string? Checkpoint { get; }

    /// <summary>Why the attempt's token was cancelled, once it was.</summary>
    StopReason StopReason { get; }

    /// <summary>Appends an event (<paramref name="dataJson"/> must be a JSON object) and returns its sequence number.</summary>
    Task<long> EmitAsync(string type, string dataJson, CancellationToken cancellationToken = default);

    /// <summary>Moves the task to another phase and emits <c>task.phase</c>.</summary>
    Task SetPhaseAsync(TaskPhase phase, CancellationToken cancellationToken = default);

    /// <summary>Stores the state a later attempt resumes from, replacing the previous one.</summary>
    Task CheckpointAsync(string checkpointJson, CancellationToken cancellationToken = default);

    /// <summary>Adds one model call's usage to the task's totals.</summary>
    Task RecordUsageAsync(UsageRecord usage, CancellationToken cancellationToken = default);

    /// <summary>Stores the plan (JSON) on the task.</summary>
    Task SetPlanAsync(string planJson, CancellationToken cancellationToken = default);

    /// <summary>
    /// Keeps the pull request the forge opened or updated, with the diff published with it, in the store (replacing the
    /// task's earlier one but keeping when it was first opened), so any server can show it. A diff larger than the
    /// store keeps (Storage:MaxDiffBytes) is cut with a marker line. Returns the record as stored.
    /// </summary>
    Task<PullRequest> SavePullRequestAsync(PullRequest pullRequest, CancellationToken cancellationToken = default);

    /// <summary>
    /// Adds one command the task ran in a jail to its command audit trail, fenced by the lease like every other write.
    /// A run without a store to keep it in (a local one-off) keeps nothing.
    /// </summary>
    Task RecordCommandAsync(CommandAuditEntry entry, CancellationToken cancellationToken = default) => System.Threading.Tasks.Task.CompletedTask;

    /// <summary>
    /// True when people can talk to this task while it runs (send messages, answer the agent's questions): a task of a
    /// server's queue. False (the default) for a run nobody can reach.
    /// </summary>
    bool Converses => false;

    /// <summary>
    /// The task's conversation after <paramref name="afterSeq"/> (messages, questions, answers), oldest first; the messages
    /// and answers among them are marked delivered. Empty where <see cref="Converses"/> is false.
    /// </summary>
    Task<IReadOnlyList<TaskConversationEntry>> TakeMessagesAsync(long afterSeq, CancellationToken cancellationToken = default) =>
        System.Threading.Tasks.Task.FromResult<IReadOnlyList<TaskConversationEntry>>([]);
}
