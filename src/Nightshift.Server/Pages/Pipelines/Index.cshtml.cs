using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using System.Text.Json;
using Nightshift.Core.Errors;
using Nightshift.Core.Pipelines;
using Nightshift.Core.Teams;
using Nightshift.Server.Auth;
using Nightshift.Server.Pipelines.Api;

namespace Nightshift.Server.Pages.Pipelines;

/// <summary>
/// The organisation's registered pipelines (schedule, next run, last run) with a form to run each, and its recent runs.
/// A run started here goes through the API's own <see cref="PipelineService"/>: the same checks (repository rules,
/// required and undeclared inputs) and messages.
/// </summary>
[PageScope(Scopes.TasksRead)]
internal sealed class IndexModel(PipelineService pipelines, TimeProvider time) : PageModel
{
    /// <summary>How many runs the page lists.</summary>
    public const int RecentRuns = 50;

    public IReadOnlyList<PipelineRow> Pipelines { get; private set; } = [];

    public IReadOnlyList<RunRecord> Runs { get; private set; } = [];

    public DateTimeOffset Now => time.GetUtcNow();

    /// <summary>The pipeline whose run form was sent and refused, with what the person typed and what to fix.</summary>
    public string? FormPipeline { get; private set; }

    public string? FormRepo { get; private set; }

    public string? FormBaseBranch { get; private set; }

    public IReadOnlyDictionary<string, string> FormInputs { get; private set; } = new Dictionary<string, string>();

    public string? FormError { get; private set; }

    private IReadOnlyDictionary<string, string[]> Errors { get; set; } = new Dictionary<string, string[]>();

    public bool CanRun => HttpContext.CallerOrNull()?.Has(Scopes.TasksWrite) ?? false;

    public IReadOnlyList<string> ErrorsFor(string pipeline, string field) =>
        FormPipeline == pipeline && Errors.TryGetValue(field, out var messages) ? messages : [];

    public async Task OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken);

    [PageScope(Scopes.TasksWrite)]
    public async Task<IActionResult> OnPostRunAsync(
        [FromForm] string? pipeline,
        [FromForm] string? repo,
        [FromForm] string? baseBranch,
        [FromForm] Dictionary<string, string?>? inputs,
        CancellationToken cancellationToken)
    {
        FormPipeline = pipeline ?? "";
        FormRepo = Blank(repo);
        FormBaseBranch = Blank(baseBranch);
        // An empty field is an input not given: its default applies, or the API's check names it as missing.
        FormInputs = (inputs ?? []).Where(i => !string.IsNullOrEmpty(i.Value)).ToDictionary(i => i.Key, i => i.Value!, StringComparer.Ordinal);
        var request = new RunRequest
        {
            Pipeline = FormPipeline,
            Repo = FormRepo,
            BaseBranch = FormBaseBranch,
            Inputs = FormInputs.ToDictionary(i => i.Key, i => JsonSerializer.SerializeToElement(i.Value), StringComparer.Ordinal),
        };
        try
        {
            if (!PipelineNames.IsPipelineName(FormPipeline) || await pipelines.FindAsync(HttpContext.Caller().OrgId, FormPipeline, cancellationToken) is null)
            {
                // The form runs registered pipelines only; a repository's own pipeline runs from the CLI or the API.
                throw new ValidationException("pipeline", $"there is no registered pipeline '{PipelineNames.Clip(FormPipeline)}' in this organisation; pick one of those listed here, or register it first (nightshift pipeline add FILE)");
            }
            var (run, _) = await pipelines.StartAsync(HttpContext.Caller(), request, idempotencyHeader: null, "dashboard", cancellationToken);
            return Redirect($"/runs/{run.Id}");
        }
        catch (ForbiddenException forbidden)
        {
            FormError = forbidden.Message;
            Response.StatusCode = StatusCodes.Status403Forbidden;
        }
        catch (PipelineProblemsException problems)
        {
            FormError = problems.Message;
            Response.StatusCode = StatusCodes.Status409Conflict;
        }
        catch (ValidationException invalid)
        {
            Errors = invalid.Errors;
            var unplaced = invalid.Errors.Where(e => e.Key is not ("repo" or "baseBranch" or "inputs")).ToList();
            if (unplaced.Count > 0)
            {
                FormError = string.Join(" ", unplaced.SelectMany(e => e.Value.Select(v => $"{e.Key}: {v}")));
            }
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }
        await LoadAsync(cancellationToken);
        return Page();
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        var orgId = HttpContext.Caller().OrgId;
        Runs = await pipelines.ListRunsAsync(orgId, pipeline: null, state: null, RecentRuns, cancellationToken);
        var rows = new List<PipelineRow>();
        foreach (var record in await pipelines.ListAsync(orgId, cancellationToken))
        {
            var parsed = PipelineService.Parse(record.Yaml, record.Name + ".yml");
            var last = Runs.FirstOrDefault(r => r.Pipeline == record.Name)
                ?? (await pipelines.ListRunsAsync(orgId, record.Name, state: null, 1, cancellationToken)).FirstOrDefault();
            rows.Add(new PipelineRow(record, parsed.Ok ? parsed.Definition : null, parsed.Ok ? null : string.Join("; ", parsed.Problems.Take(3)), last));
        }
        Pipelines = rows;
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

}
