namespace Nightshift.Storage;

/// <summary>
/// One group of a usage report. <see cref="CostUsd"/> is a lower bound when <see cref="UnpricedCalls"/> is above zero.
/// Task figures count tasks that finished in the range; <see cref="AverageTaskSeconds"/> is from their last start to their end.
/// </summary>
public sealed record UsageReportRow(
    string Key,
    long InputTokens,
    long OutputTokens,
    long CachedTokens,
    decimal CostUsd,
    long Calls,
    long UnpricedCalls,
    long TasksFinished,
    long TasksSucceeded,
    double? AverageTaskSeconds)
{
    /// <summary>Succeeded over finished, or null when none finished.</summary>
    public double? SuccessRate => TasksFinished == 0 ? null : (double)TasksSucceeded / TasksFinished;
}
