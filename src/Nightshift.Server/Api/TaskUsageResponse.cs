using Nightshift.Core.Usage;

namespace Nightshift.Server.Api;

/// <summary>
/// <c>GET /api/v1/tasks/{id}/usage</c>: the task's usage per plan subtask (ordered by id), what was spent for the task as
/// a whole (planning, verification feedback, calls recorded before usage carried a subtask), and the sum of both.
/// Each usage is the task's own shape; when <c>unpricedCalls</c> is above zero its cost is a lower bound.
/// </summary>
public sealed record TaskUsageResponse(string TaskId, UsageTotals Total, UsageTotals Unattributed, IReadOnlyList<SubtaskUsageView> Subtasks)
{
    internal static TaskUsageResponse Of(TaskUsageBreakdown breakdown) => new(
        breakdown.TaskId,
        breakdown.Total,
        breakdown.Unattributed,
        [.. breakdown.Subtasks.Select(s => new SubtaskUsageView(s.Subtask, s.Usage))]);
}
