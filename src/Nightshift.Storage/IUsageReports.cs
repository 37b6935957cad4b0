using Nightshift.Core.Usage;

namespace Nightshift.Storage;

/// <summary>Sums of model usage and task outcomes over a time range, for the dashboard and <c>GET /api/v1/usage</c>.</summary>
public interface IUsageReports
{
    /// <summary>
    /// Usage recorded in [<see cref="UsageReportQuery.From"/>, <see cref="UsageReportQuery.To"/>) and tasks finished in it,
    /// one row per day (UTC), model or repository, ordered by key.
    /// </summary>
    Task<UsageReport> ReportUsageAsync(UsageReportQuery query, CancellationToken cancellationToken = default);

    /// <summary>
    /// One task's usage over all its attempts, split by the plan subtask each model call was made for (ordered by id).
    /// </summary>
    /// <exception cref="Core.Errors.TaskNotFoundException">no task has that id.</exception>
    Task<TaskUsageBreakdown> ReportTaskUsageAsync(string taskId, CancellationToken cancellationToken = default);
}
