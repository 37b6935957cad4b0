using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Nightshift.Core.Teams;
using Nightshift.Server.Auth;
using Nightshift.Server.Teams;
using Nightshift.Storage;
using Nightshift.Storage.Teams;

namespace Nightshift.Server.Audit;

/// <summary>
/// <c>/api/v1/audit</c>: the audit log, newest first with a cursor, and its export as JSON lines, oldest first. Read
/// only: no route changes or removes an entry.
/// </summary>
internal static class AuditApi
{
    public const string Prefix = "/api/v1/audit";
    public const string JsonLines = "application/x-ndjson";

    public static RouteGroupBuilder MapAuditApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(Prefix).WithTags("audit").RequireScope(Scopes.AuditRead).AddEndpointFilter(TeamRequestFilter.InvokeAsync);
        group.MapGet("/", ListAsync).WithName("ListAudit");
        group.MapGet("/export", ExportAsync).WithName("ExportAudit").Produces<string>(StatusCodes.Status200OK, JsonLines);
        return group;
    }

    private static async Task<Ok<AuditPageResponse>> ListAsync(
        string? org,
        string? since,
        string? until,
        string? action,
        string? actor,
        string? target,
        string? before,
        string? limit,
        HttpContext context,
        INightshiftStore store,
        CancellationToken cancellationToken)
    {
        var query = AuditQueryParser.Parse(context.Caller(), org, since, until, action, actor, target, before, limit);
        var page = await store.ListAuditAsync(query, cancellationToken);
        return TypedResults.Ok(new AuditPageResponse([.. page.Entries.Select(AuditEntryView.From)], page.NextBefore));
    }

    /// <summary>
    /// Streams every entry within since/until (and the other filters), oldest first, one JSON object a line. The store
    /// reads newest first, so the pages' cursors are found first and the pages then written in reverse: memory stays at
    /// one page however long the log is, and entries appended meanwhile are left out.
    /// </summary>
    private static async Task ExportAsync(
        string? org,
        string? since,
        string? until,
        string? action,
        string? actor,
        string? target,
        HttpContext context,
        INightshiftStore store,
        CancellationToken cancellationToken)
    {
        var query = AuditQueryParser.Parse(context.Caller(), org, since, until, action, actor, target, before: null, limit: null)
            with { Limit = AuditQuery.MaxLimit };
        var cursors = new List<long?>();
        long? before = null;
        var first = true;
        while (true)
        {
            var page = await store.ListAuditAsync(query with { Before = before }, cancellationToken);
            if (page.Entries.Count == 0)
            {
                break;
            }
            if (first)
            {
                // Fixes the newest entry exported, so the second pass reads the same pages.
                before = page.Entries.Max(e => e.Number) + 1;
                first = false;
            }
            cursors.Add(before);
            if (page.NextBefore is null)
            {
                break;
            }
            before = page.NextBefore;
        }

        var response = context.Response;
        response.ContentType = JsonLines;
        response.Headers.CacheControl = "no-store";
        response.Headers.ContentDisposition = "attachment; filename=\"nightshift-audit.jsonl\"";
        var json = context.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        var compact = new JsonSerializerOptions(json) { WriteIndented = false };
        for (var i = cursors.Count - 1; i >= 0; i--)
        {
            var page = await store.ListAuditAsync(query with { Before = cursors[i] }, cancellationToken);
            foreach (var entry in page.Entries.OrderBy(e => e.Number))
            {
                await response.WriteAsync(JsonSerializer.Serialize(AuditEntryView.From(entry), compact) + "\n", cancellationToken);
            }
            await response.Body.FlushAsync(cancellationToken);
        }
    }
}
