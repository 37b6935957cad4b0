using Nightshift.Core.Tasks;

namespace Nightshift.Core.Errors;

/// <summary>A state change the task's current state does not allow (HTTP 409).</summary>
public sealed class InvalidTransitionException : NightshiftException
{
    public InvalidTransitionException(string taskId, TaskState from, TaskState to)
        : base(Describe(taskId, from, to))
    {
        TaskId = taskId;
        From = from;
        To = to;
    }

    public InvalidTransitionException(string taskId, string message) : base(message)
    {
        TaskId = taskId;
    }

    public string TaskId { get; }

    public TaskState? From { get; }

    public TaskState? To { get; }

    private static string Describe(string taskId, TaskState from, TaskState to)
    {
        var next = TaskStateMachine.NextStates(from);
        var options = next.Count == 0 ? "it is final" : "from there it can only become " + string.Join(", ", next.Select(s => s.ToWire()));
        return $"task {taskId} is {from.ToWire()} and cannot become {to.ToWire()}: {options}";
    }
}
