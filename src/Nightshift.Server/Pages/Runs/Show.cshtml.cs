using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Nightshift.Core.Pipelines;
using Nightshift.Core.Teams;
using Nightshift.Server.Auth;
using Nightshift.Server.Dashboard;
using Nightshift.Server.Pipelines.Api;
using Nightshift.Storage.Pipelines;

namespace Nightshift.Server.Pages.Runs;

/// <summary>
/// One pipeline run of the caller's organisation: its header, its steps as a graph with their states, outputs and
/// reasons, approve and reject for steps waiting for a person, and its own event log.
/// </summary>
[PageScope(Scopes.TasksRead)]
internal sealed class RunPageModel(PipelineService pipelines, TimeProvider time) : PageModel
{
    /// <summary>The most run events one page shows (a run has a few per step).</summary>
    public const int MaxEvents = 2_000;

    public const int MaxReasonLength = PipelineService.MaxReasonLength;

    public RunRecord Run { get; private set; } = null!;

    public IReadOnlyList<RunPageStep> Steps { get; private set; } = [];

    public RunGraph? Graph { get; private set; }

    /// <summary>The same steps top to bottom, shown instead of <see cref="Graph"/> on narrow screens.</summary>
    public RunGraph? NarrowGraph { get; private set; }

    /// <summary>Why the steps are drawn without their dependencies, when they are.</summary>
    public string? DefinitionProblem { get; private set; }

    public IReadOnlyList<RunTimelineItem> Timeline { get; private set; } = [];

    public long LastSequence => Timeline.Count == 0 ? 0 : Timeline[^1].Sequence;

    public string? ActionError { get; private set; }

    /// <summary>The step the <see cref="ActionError"/> is about, if one.</summary>
    public string? ActionStep { get; private set; }

    /// <summary>Set, with words for the person, when the run does not exist in the caller's organisation.</summary>
    public string? Missing { get; private set; }

    public DateTimeOffset Now => time.GetUtcNow();

    public bool CanDecide => May(Scopes.TasksApprove);

    public bool CanCancel => !Run.State.IsFinished() && !Run.CancelRequested && May(Scopes.TasksWrite);

    public async Task<IActionResult> OnGetAsync(string id, CancellationToken cancellationToken) =>
        await LoadAsync(id, cancellationToken) ? Page() : NotFoundPage(id);

    /// <summary>Everything the run's events can change (header, graph, steps, timeline), for the page's live script.</summary>
    public async Task<IActionResult> OnGetLiveAsync(string id, CancellationToken cancellationToken) =>
        await LoadAsync(id, cancellationToken) ? Partial("_RunBody", this) : NotFound();

    [PageScope(Scopes.TasksApprove)]
    public Task<IActionResult> OnPostApproveAsync(string id, [FromForm] string? step, CancellationToken cancellationToken) =>
        DecideAsync(id, step, approve: true, reason: null, cancellationToken);

    [PageScope(Scopes.TasksApprove)]
    public Task<IActionResult> OnPostRejectAsync(string id, [FromForm] string? step, [FromForm] string? reason, CancellationToken cancellationToken) =>
        DecideAsync(id, step, approve: false, reason, cancellationToken);

    [PageScope(Scopes.TasksWrite)]
    public async Task<IActionResult> OnPostCancelAsync(string id, CancellationToken cancellationToken)
    {
        if (await pipelines.CancelAsync(OrgId, id, cancellationToken))
        {
            return Redirect($"/runs/{id}");
        }
        if (!await LoadAsync(id, cancellationToken))
        {
            return NotFoundPage(id);
        }
        ActionError = $"The run is {RunDisplay.State(Run.State)} already, so there is nothing to cancel.";
        Response.StatusCode = StatusCodes.Status409Conflict;
        return Page();
    }

    /// <summary>Whether the signed-in person may do an action that needs <paramref name="scope"/> (the page hides the others).</summary>
    public bool May(string scope) => HttpContext.CallerOrNull()?.Has(scope) ?? false;

    private string OrgId => HttpContext.Caller().OrgId;

    private async Task<IActionResult> DecideAsync(string id, string? step, bool approve, string? reason, CancellationToken cancellationToken)
    {
        string error;
        var status = StatusCodes.Status400BadRequest;
        try
        {
            switch (await pipelines.DecideAsync(HttpContext.Caller(), id, step ?? "", approve, reason, cancellationToken))
            {
                case StepDecisionResult.Decided:
                    return Redirect($"/runs/{id}");
                case StepDecisionResult.NotWaiting:
                    error = $"Step '{step}' is not waiting for approval (it was decided already, or its turn has not come); the page shows where it stands now.";
                    status = StatusCodes.Status409Conflict;
                    break;
                default:
                    // No such run (answered below as a missing page) or no such step in it.
                    error = $"This run has no step '{PipelineNames.Clip(step)}'; use the buttons of one of the steps below.";
                    break;
            }
        }
        catch (Nightshift.Core.Errors.ValidationException invalid)
        {
            error = "The reason " + string.Join(" ", invalid.Errors.Values.SelectMany(v => v)) + "; shorten it.";
        }
        if (!await LoadAsync(id, cancellationToken))
        {
            return NotFoundPage(id);
        }
        ActionError = error;
        ActionStep = Steps.Any(s => s.Name == step) ? step : null;
        Response.StatusCode = status;
        return Page();
    }

    private async Task<bool> LoadAsync(string id, CancellationToken cancellationToken)
    {
        if (await pipelines.GetRunAsync(OrgId, id, cancellationToken) is not ({ } run, var rows))
        {
            return false;
        }
        Run = run;
        Steps = RunSteps.Build(run, rows, out var problem);
        DefinitionProblem = problem;
        Graph = RunGraph.Build(Steps);
        NarrowGraph = RunGraph.Build(Steps, narrow: true);
        var events = new List<RunEvent>();
        while (events.Count < MaxEvents)
        {
            var page = await pipelines.ReadEventsAsync(run.Id, events.Count == 0 ? 0 : events[^1].Seq, 500, cancellationToken);
            events.AddRange(page);
            if (page.Count < 500)
            {
                break;
            }
        }
        Timeline = RunDisplay.Timeline(events);
        return true;
    }

    private IActionResult NotFoundPage(string id)
    {
        Missing = $"There is no run '{(id.Length > 40 ? id[..40] + "…" : id)}' on this server. Go back to the pipelines to find it.";
        Response.StatusCode = StatusCodes.Status404NotFound;
        return Page();
    }
}
