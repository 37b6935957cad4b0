using Nightshift.Core.Errors;

namespace Nightshift.Core.Tasks;

/// <summary>
/// The legal moves between task states. Stores call <see cref="EnsureCanMove"/> inside the same
/// transaction that writes the new state, so an illegal move never reaches the database.
/// </summary>
public static class TaskStateMachine
{
    private static readonly Dictionary<TaskState, TaskState[]> Allowed = new()
    {
        // Claimed by a worker, cancelled before it started.
        [TaskState.Queued] = [TaskState.Running, TaskState.Cancelled],
        // Back to the queue (lease lost, retry with backoff, released on shutdown), to a plan gate, to wait for an answer, or to an end
        // (dead once the last attempt failed).
        [TaskState.Running] =
        [
            TaskState.Queued, TaskState.AwaitingApproval, TaskState.AwaitingInput, TaskState.Succeeded, TaskState.Failed,
            TaskState.Cancelled, TaskState.TimedOut, TaskState.NeedsReview, TaskState.Dead,
        ],
        // Approved (back to the queue to build), rejected, cancelled, or the approval window closed.
        [TaskState.AwaitingApproval] = [TaskState.Queued, TaskState.Cancelled, TaskState.TimedOut, TaskState.Failed],
        // Answered (or its question timed out) back to the queue to resume, or cancelled while it waits.
        [TaskState.AwaitingInput] = [TaskState.Queued, TaskState.Cancelled],
        // A person may retry anything that did not succeed.
        [TaskState.Failed] = [TaskState.Queued],
        [TaskState.Cancelled] = [TaskState.Queued],
        [TaskState.TimedOut] = [TaskState.Queued],
        [TaskState.NeedsReview] = [TaskState.Queued],
        [TaskState.Dead] = [TaskState.Queued],
        [TaskState.Succeeded] = [],
    };

    public static bool CanMove(TaskState from, TaskState to) =>
        Allowed.TryGetValue(from, out var targets) && Array.IndexOf(targets, to) >= 0;

    public static IReadOnlyList<TaskState> NextStates(TaskState from) =>
        Allowed.TryGetValue(from, out var targets) ? targets : [];

    /// <exception cref="InvalidTransitionException">the move is not allowed.</exception>
    public static void EnsureCanMove(string taskId, TaskState from, TaskState to)
    {
        if (!CanMove(from, to))
        {
            throw new InvalidTransitionException(taskId, from, to);
        }
    }

    /// <summary>Phases only make sense while a task runs (or waits on its plan).</summary>
    public static void EnsurePhaseFits(string taskId, TaskState status, TaskPhase phase)
    {
        var fits = status switch
        {
            TaskState.Running => phase is not TaskPhase.AwaitingApproval,
            TaskState.AwaitingApproval => phase is TaskPhase.AwaitingApproval,
            _ => true,
        };
        if (!fits)
        {
            throw new InvalidTransitionException(
                taskId,
                $"task {taskId} is {status.ToWire()}; phase '{phase.ToWire()}' does not apply to it");
        }
    }
}
