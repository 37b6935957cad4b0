using Nightshift.Core.Tasks;

namespace Nightshift.Storage;

/// <summary>
/// A task's conversation: messages people send it, the agent's questions and their answers, kept durably and numbered
/// per task. People add messages; a running attempt takes what it has not seen yet into the agent's next model turn.
/// </summary>
public interface ITaskConversationStore
{
    /// <summary>The most entries one task's conversation keeps; a message past it is refused.</summary>
    const int MaxEntriesPerTask = 1_000;

    /// <summary>
    /// Adds a person's message to a task. A queued or running task keeps it for the agent's next model turn
    /// (<c>task.message</c>); a task awaiting_input takes it as the answer to its question (<c>task.answered</c>) and is
    /// queued to resume from its checkpoint.
    /// </summary>
    /// <returns>the task after the message.</returns>
    /// <exception cref="Core.Errors.ValidationException">the message is empty, too long or holds control characters, or the task's conversation is full.</exception>
    /// <exception cref="Core.Errors.TaskNotFoundException">no task has this id.</exception>
    /// <exception cref="Core.Errors.InvalidTransitionException">the task ended, or its plan awaits approval: it reads no messages.</exception>
    Task<TaskRecord> AddMessageAsync(string taskId, TaskMessage message, CancellationToken cancellationToken = default);

    /// <summary>The task's conversation after <paramref name="afterSeq"/>, oldest first, at most <paramref name="limit"/> (1–1000) entries.</summary>
    /// <exception cref="Core.Errors.TaskNotFoundException">no task has this id.</exception>
    Task<IReadOnlyList<TaskConversationEntry>> ListMessagesAsync(string taskId, long afterSeq = 0, int limit = MaxEntriesPerTask, CancellationToken cancellationToken = default);

    /// <summary>
    /// For the running attempt holding <paramref name="lease"/>: the conversation after <paramref name="afterSeq"/>,
    /// oldest first, with the messages and answers among them marked delivered.
    /// </summary>
    /// <exception cref="Core.Errors.LeaseLostException">the lease no longer holds the task.</exception>
    Task<IReadOnlyList<TaskConversationEntry>> TakeMessagesAsync(Lease lease, long afterSeq, CancellationToken cancellationToken = default);
}
