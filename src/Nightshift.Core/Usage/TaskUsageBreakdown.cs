namespace Nightshift.Core.Usage;

/// <summary>
/// A task's usage split by plan subtask. <see cref="Unattributed"/> holds calls made for the task as a whole (planning,
/// verification feedback) and calls recorded before usage carried a subtask; <see cref="Total"/> is the sum of all.
/// </summary>
public sealed record TaskUsageBreakdown(string TaskId, UsageTotals Total, IReadOnlyList<SubtaskUsage> Subtasks, UsageTotals Unattributed)
{
    public UsageTotals? For(string subtask) => Subtasks.FirstOrDefault(s => string.Equals(s.Subtask, subtask, StringComparison.Ordinal))?.Usage;
}
