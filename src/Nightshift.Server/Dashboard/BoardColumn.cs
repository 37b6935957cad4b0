using Nightshift.Core.Tasks;

namespace Nightshift.Server.Dashboard;

/// <summary>One column of the board and the tasks in it, newest first.</summary>
internal sealed record BoardColumn(string Key, string Title, IReadOnlyList<TaskRecord> Tasks)
{
    /// <summary>Columns in the order a task moves through them; running tasks are grouped by phase inside theirs.</summary>
    public static IReadOnlyList<BoardColumn> Build(IEnumerable<TaskRecord> tasks)
    {
        var all = tasks.ToList();
        List<TaskRecord> Where(Func<TaskRecord, bool> match) => [.. all.Where(match)];
        return
        [
            new("queued", "Queued", Where(t => t.Status == TaskState.Queued)),
            new("running", "Running", Where(t => t.Status == TaskState.Running)),
            new("awaiting_approval", "Awaiting approval", Where(t => t.Status == TaskState.AwaitingApproval)),
            // The agent asked a question; the card's task page shows it and takes the answer.
            new("awaiting_input", "Awaiting input", Where(t => t.Status == TaskState.AwaitingInput)),
            new("needs_review", "Needs review", Where(t => t.Status == TaskState.NeedsReview)),
            new("succeeded", "Succeeded", Where(t => t.Status == TaskState.Succeeded)),
            new("failed", "Failed or cancelled", Where(t => t.Status is TaskState.Failed or TaskState.Cancelled or TaskState.TimedOut)),
            // The dead letter: every attempt failed; each card's last error lists why, and a retry starts it afresh.
            new("dead", "Dead (attempts used up)", Where(t => t.Status == TaskState.Dead)),
        ];
    }
}
