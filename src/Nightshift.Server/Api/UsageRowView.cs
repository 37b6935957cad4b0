using Nightshift.Storage;

namespace Nightshift.Server.Api;

/// <summary>One row of the usage report; <c>costComplete</c> is false when some calls had no known price (the cost is then a lower bound).</summary>
public sealed record UsageRowView(
    string Key,
    long InputTokens,
    long OutputTokens,
    long CachedTokens,
    decimal CostUsd,
    bool CostComplete,
    long Calls,
    long TasksFinished,
    long TasksSucceeded,
    double? SuccessRate,
    double? AverageTaskSeconds)
{
    internal static UsageRowView From(UsageReportRow row) => new(
        row.Key, row.InputTokens, row.OutputTokens, row.CachedTokens, row.CostUsd, row.UnpricedCalls == 0, row.Calls,
        row.TasksFinished, row.TasksSucceeded, row.SuccessRate is { } rate ? Math.Round(rate, 4) : null,
        row.AverageTaskSeconds is { } seconds ? Math.Round(seconds, 1) : null);
}
