using Microsoft.AspNetCore.Http.HttpResults;
using Nightshift.Core.Teams;
using Nightshift.Server.Auth;
using Nightshift.Storage;

namespace Nightshift.Server.Api;

/// <summary><c>GET /api/v1/usage?from=yyyy-MM-dd&amp;to=yyyy-MM-dd&amp;groupBy=day|model|repo</c>: cost, tokens and task outcomes.</summary>
internal static class UsageApi
{
    public static RouteHandlerBuilder MapUsageApi(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/v1/usage", ReportAsync).WithTags("usage").WithName("GetUsage").RequireScope(Scopes.UsageRead);

    private static async Task<Ok<UsageResponse>> ReportAsync(
        string? from,
        string? to,
        string? groupBy,
        HttpContext context,
        INightshiftStore reports,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var query = UsageQueryParser.Parse(from, to, groupBy, time.GetUtcNow()) with { OrgId = context.Caller().OrgId };
        var report = await reports.ReportUsageAsync(query, cancellationToken);
        return TypedResults.Ok(UsageResponse.Of(report));
    }
}
