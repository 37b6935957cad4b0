namespace Nightshift.Storage;

/// <summary>A half-open time range [<see cref="From"/>, <see cref="To"/>) and how to group it.</summary>
public sealed record UsageReportQuery(DateTimeOffset From, DateTimeOffset To, UsageGrouping GroupBy)
{
    /// <summary>Only this organisation's usage; null for every organisation.</summary>
    public string? OrgId { get; init; }

    /// <summary>The longest range one report covers; longer ones are refused rather than scanned.</summary>
    public static TimeSpan MaxRange { get; } = TimeSpan.FromDays(366);
}
