namespace Nightshift.Storage;

/// <summary>The rows of a usage report and their sum over the whole range.</summary>
public sealed record UsageReport(UsageReportQuery Query, IReadOnlyList<UsageReportRow> Rows, UsageReportRow Total);
