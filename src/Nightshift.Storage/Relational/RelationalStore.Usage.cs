using System.Data.Common;
using System.Globalization;
using Nightshift.Core.Errors;
using Nightshift.Core.Teams;
using Nightshift.Core.Usage;

namespace Nightshift.Storage.Relational;

internal abstract partial class RelationalStore
{
    private const long MsPerDay = 86_400_000;

    /// <summary>The provider/model of a task's first recorded model call; null when it made none.</summary>
    private const string FirstCallModel =
        "(SELECT f.provider || '/' || f.model FROM usage f WHERE f.task_id = t.id ORDER BY f.num LIMIT 1)";

    public async Task<UsageReport> ReportUsageAsync(UsageReportQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.To <= query.From)
        {
            throw new ValidationException("to", "must be later than from");
        }
        if (query.To - query.From > UsageReportQuery.MaxRange)
        {
            throw new ValidationException("to", $"the range is longer than {UsageReportQuery.MaxRange.TotalDays:0} days; ask for a shorter one");
        }

        // SQLite keeps exact decimals as text; summing them as REAL is exact enough for a report, and PostgreSQL sums numeric.
        var cost = Dialect == "sqlite" ? "CAST(u.cost_usd AS REAL)" : "u.cost_usd";
        var (usageKey, taskKey) = query.GroupBy switch
        {
            UsageGrouping.Day => ($"u.time / {MsPerDay}", $"t.finished_at / {MsPerDay}"),
            // A task counts under the model it ran with: the model of its first recorded call (so a task that used the
            // server's default is counted under that model), else the model it asked for, if it never made a call.
            UsageGrouping.Model => ("u.provider || '/' || u.model", $"COALESCE({FirstCallModel}, t.model, '')"),
            UsageGrouping.Repo => ("t.repo", "t.repo"),
            _ => throw new ArgumentOutOfRangeException(nameof(query), query.GroupBy, "unknown grouping"),
        };
        var join = query.GroupBy == UsageGrouping.Repo || query.OrgId is not null ? " JOIN tasks t ON t.id = u.task_id" : "";
        List<(string Name, object? Value)> range = [("from", query.From.ToUnixTimeMilliseconds()), ("to", query.To.ToUnixTimeMilliseconds())];
        var inOrg = "";
        if (query.OrgId is not null)
        {
            if (!OrgIds.IsValid(query.OrgId))
            {
                throw new ValidationException("orgId", "is not an organisation id: lowercase letters, digits and '-'");
            }
            inOrg = " AND t.org_id = @org";
            range.Add(("org", query.OrgId));
        }

        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var session = new DbSession(connection, null);
        var usage = await session.QueryAsync(
            $"""
            SELECT {usageKey} AS k, SUM(u.input_tokens), SUM(u.output_tokens), SUM(u.cached_tokens), SUM({cost}), COUNT(*),
                SUM(CASE WHEN u.cost_usd IS NULL THEN 1 ELSE 0 END)
            FROM usage u{join}
            WHERE u.time >= @from AND u.time < @to{inOrg}
            GROUP BY {usageKey}
            """,
            range,
            r => (Key: KeyOf(r, query.GroupBy), Input: Long(r, 1), Output: Long(r, 2), Cached: Long(r, 3), Cost: Money(r, 4), Calls: Long(r, 5), Unpriced: Long(r, 6)),
            cancellationToken).ConfigureAwait(false);
        var tasks = await session.QueryAsync(
            $"""
            SELECT {taskKey} AS k, COUNT(*), SUM(CASE WHEN t.status = 'succeeded' THEN 1 ELSE 0 END),
                AVG((t.finished_at - t.started_at) * 1.0)
            FROM tasks t
            WHERE t.finished_at >= @from AND t.finished_at < @to
                AND t.status IN ('succeeded', 'failed', 'cancelled', 'timed_out', 'needs_review', 'dead'){inOrg}
            GROUP BY {taskKey}
            """,
            range,
            r => (Key: KeyOf(r, query.GroupBy), Finished: Long(r, 1), Succeeded: Long(r, 2), AverageMs: r.IsDBNull(3) ? (double?)null : Convert.ToDouble(r.GetValue(3), CultureInfo.InvariantCulture)),
            cancellationToken).ConfigureAwait(false);

        var rows = new SortedDictionary<string, UsageReportRow>(StringComparer.Ordinal);
        UsageReportRow Row(string key) => rows.TryGetValue(key, out var row) ? row : new UsageReportRow(key, 0, 0, 0, 0m, 0, 0, 0, 0, null);
        foreach (var u in usage)
        {
            rows[u.Key] = Row(u.Key) with
            {
                InputTokens = u.Input, OutputTokens = u.Output, CachedTokens = u.Cached, CostUsd = u.Cost, Calls = u.Calls, UnpricedCalls = u.Unpriced,
            };
        }
        foreach (var t in tasks)
        {
            rows[t.Key] = Row(t.Key) with { TasksFinished = t.Finished, TasksSucceeded = t.Succeeded, AverageTaskSeconds = t.AverageMs / 1000.0 };
        }

        var list = rows.Values.ToList();
        var finished = list.Sum(r => r.TasksFinished);
        var total = new UsageReportRow(
            "total",
            list.Sum(r => r.InputTokens),
            list.Sum(r => r.OutputTokens),
            list.Sum(r => r.CachedTokens),
            list.Sum(r => r.CostUsd),
            list.Sum(r => r.Calls),
            list.Sum(r => r.UnpricedCalls),
            finished,
            list.Sum(r => r.TasksSucceeded),
            finished == 0 ? null : list.Where(r => r.AverageTaskSeconds is not null).Sum(r => r.AverageTaskSeconds!.Value * r.TasksFinished) / finished);
        return new UsageReport(query, list, total);
    }

    public async Task<TaskUsageBreakdown> ReportTaskUsageAsync(string taskId, CancellationToken cancellationToken = default)
    {
        EnsureLooksLikeId(taskId);
        var cost = Dialect == "sqlite" ? "CAST(u.cost_usd AS REAL)" : "u.cost_usd";
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var session = new DbSession(connection, null);
        if (await ReadStatusAsync(session, taskId, cancellationToken).ConfigureAwait(false) is null)
        {
            throw new TaskNotFoundException(taskId);
        }
        var groups = await session.QueryAsync(
            $"""
            SELECT u.subtask, SUM(u.input_tokens), SUM(u.output_tokens), SUM(u.cached_tokens), SUM({cost}), COUNT(*),
                SUM(CASE WHEN u.cost_usd IS NULL THEN 1 ELSE 0 END)
            FROM usage u
            WHERE u.task_id = @id
            GROUP BY u.subtask
            """,
            [("id", taskId)],
            r => (Subtask: r.IsDBNull(0) ? null : r.GetString(0), Totals: new UsageTotals(Long(r, 1), Long(r, 2), Long(r, 3), Money(r, 4), (int)Long(r, 5), (int)Long(r, 6))),
            cancellationToken).ConfigureAwait(false);

        var unattributed = groups.Where(g => g.Subtask is null).Select(g => g.Totals).FirstOrDefault() ?? UsageTotals.Zero;
        var subtasks = groups
            .Where(g => g.Subtask is not null)
            .OrderBy(g => g.Subtask, StringComparer.Ordinal)
            .Select(g => new SubtaskUsage(g.Subtask!, g.Totals))
            .ToList();
        var total = groups.Aggregate(UsageTotals.Zero, (sum, g) => new UsageTotals(
            sum.InputTokens + g.Totals.InputTokens,
            sum.OutputTokens + g.Totals.OutputTokens,
            sum.CachedTokens + g.Totals.CachedTokens,
            sum.CostUsd + g.Totals.CostUsd,
            sum.Calls + g.Totals.Calls,
            sum.UnpricedCalls + g.Totals.UnpricedCalls));
        return new TaskUsageBreakdown(taskId, total, subtasks, unattributed);
    }

    private static string KeyOf(DbDataReader reader, UsageGrouping grouping)
    {
        if (reader.IsDBNull(0))
        {
            return "";
        }
        if (grouping == UsageGrouping.Day)
        {
            var day = Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture);
            return DateTimeOffset.FromUnixTimeMilliseconds(day * MsPerDay).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        }
        return Convert.ToString(reader.GetValue(0), CultureInfo.InvariantCulture) ?? "";
    }

    private static long Long(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? 0 : Convert.ToInt64(reader.GetValue(ordinal), CultureInfo.InvariantCulture);

    private static decimal Money(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? 0m : Math.Round(Convert.ToDecimal(reader.GetValue(ordinal), CultureInfo.InvariantCulture), 6);
}
