using Nightshift.Storage;

namespace Nightshift.Server.Api;

/// <summary>The body of <c>GET /api/v1/usage</c>: <c>from</c> and <c>to</c> are the UTC days covered, both included.</summary>
public sealed record UsageResponse(string From, string To, string GroupBy, IReadOnlyList<UsageRowView> Rows, UsageRowView Total)
{
    internal static UsageResponse Of(UsageReport report) => new(
        report.Query.From.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        report.Query.To.AddDays(-1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        UsageQueryParser.Wire(report.Query.GroupBy),
        [.. report.Rows.Select(UsageRowView.From)],
        UsageRowView.From(report.Total));
}
