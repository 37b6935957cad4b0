using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Nightshift.Core.Errors;
using Nightshift.Core.Teams;
using Nightshift.Server.Api;
using Nightshift.Server.Auth;
using Nightshift.Storage;

namespace Nightshift.Server.Pages;

/// <summary>Cost and tokens per day, model and repository; success rate and time per task — as charts and as tables.</summary>
[PageScope(Scopes.UsageRead)]
internal sealed class UsageModel(INightshiftStore store, TimeProvider time) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? From { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? To { get; set; }

    public UsageResponse? ByDay { get; private set; }

    public UsageResponse? ByModel { get; private set; }

    public UsageResponse? ByRepo { get; private set; }

    public IReadOnlyDictionary<string, string[]> Errors { get; private set; } = new Dictionary<string, string[]>();

    /// <summary>The three reports for the charts' script; the serializer escapes &lt; and &gt;, so it is safe inside a script element.</summary>
    public string ChartData => JsonSerializer.Serialize(new { day = ByDay, model = ByModel, repo = ByRepo }, JsonSerializerOptions.Web);

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        try
        {
            var now = time.GetUtcNow();
            var orgId = HttpContext.Caller().OrgId;
            ByDay = UsageResponse.Of(await store.ReportUsageAsync(UsageQueryParser.Parse(From, To, "day", now) with { OrgId = orgId }, cancellationToken));
            ByModel = UsageResponse.Of(await store.ReportUsageAsync(UsageQueryParser.Parse(From, To, "model", now) with { OrgId = orgId }, cancellationToken));
            ByRepo = UsageResponse.Of(await store.ReportUsageAsync(UsageQueryParser.Parse(From, To, "repo", now) with { OrgId = orgId }, cancellationToken));
            From = ByDay.From;
            To = ByDay.To;
        }
        catch (ValidationException invalid)
        {
            Errors = invalid.Errors;
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }
        return Page();
    }
}
