using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Nightshift.Core.Errors;
using Nightshift.Core.Events;
using Nightshift.Core.Planning;
using Nightshift.Core.Tasks;
using Nightshift.Core.Teams;
using Nightshift.Server.Api;
using Nightshift.Server.Auth;
using Nightshift.Server.Dashboard;
using Nightshift.Storage;
using Nightshift.Storage.Commands;

namespace Nightshift.Server.Pages.Tasks;

/// <summary>One task of the caller's organisation: its state, plan, verification, timeline and the actions its state allows.</summary>
[PageScope(Scopes.TasksRead)]
internal sealed class ShowModel(TaskService tasks, INightshiftStore store) : PageModel
{
    /// <summary>The most events one page shows; the API pages through the rest.</summary>
    public const int MaxEvents = 5_000;

    /// <summary>The most commands the page lists; <c>GET /api/v1/tasks/{id}/commands</c> pages through the rest.</summary>
    public const int MaxCommands = 200;

    public TaskRecord Task { get; private set; } = null!;

    /// <summary>The first <see cref="MaxCommands"/> commands the task ran in its sandbox, oldest first.</summary>
    public IReadOnlyList<TaskCommand> Commands { get; private set; } = [];

    /// <summary>Totals over all of the task's commands (not only those listed).</summary>
    public TaskCommandTotals CommandTotals { get; private set; } = TaskCommandTotals.None;

    public IReadOnlyList<TaskEvent> Events { get; private set; } = [];

    public IReadOnlyList<TimelineItem> Items { get; private set; } = [];

    public Dashboard.PlanGraph? Graph { get; private set; }

    /// <summary>The same plan top to bottom, shown instead of <see cref="Graph"/> on narrow screens.</summary>
    public Dashboard.PlanGraph? NarrowGraph { get; private set; }

    public string? PlanJson { get; private set; }

    public string? ActionError { get; private set; }

    /// <summary>Set, with words for the person, when the task does not exist.</summary>
    public string? Missing { get; private set; }

    public string? PlanError { get; private set; }

    /// <summary>The edited plan as the person typed it, kept when the server refused it.</summary>
    public string? EditedPlan { get; private set; }

    public long LastSequence => Events.Count == 0 ? 0 : Events[^1].Sequence;

    /// <summary>The baseline once and each verification round, from the <c>verify.*</c> events.</summary>
    public VerificationReport Verification => VerificationReport.Build(Events, Task.Status.IsTerminal());

    public bool CanCancel => !Task.Status.IsTerminal() && May(Scopes.TasksWrite);

    /// <summary>The task's conversation: messages people sent it, its questions and their answers.</summary>
    public IReadOnlyList<TaskConversationEntry> Conversation { get; private set; } = [];

    /// <summary>A message reaches a queued or running task; a task awaiting_input takes it as its answer.</summary>
    public bool CanSay => (Task.Status is TaskState.Queued or TaskState.Running or TaskState.AwaitingInput) && May(Scopes.TasksWrite);

    public bool CanRetry => (Task.Status is TaskState.Failed or TaskState.Dead or TaskState.Cancelled or TaskState.TimedOut or TaskState.NeedsReview) && May(Scopes.TasksWrite);

    public async Task<IActionResult> OnGetAsync(string id, CancellationToken cancellationToken) =>
        await LoadAsync(id, cancellationToken) ? Page() : NotFoundPage(id);

    /// <summary>Timeline entries after <paramref name="after"/>, unfolded, for the page's live script.</summary>
    public async Task<IActionResult> OnGetEventsAsync(string id, long after, CancellationToken cancellationToken)
    {
        var task = await tasks.GetAsync(OrgId, id, cancellationToken);
        var events = await store.ReadEventsAsync(task.Id, Math.Max(0, after), 1_000, cancellationToken);
        Items = Timeline.Build(events, fold: false);
        return Partial("_TimelineItems", Items);
    }

    /// <summary>Everything above the timeline, re-rendered when the task's state changes.</summary>
    public async Task<IActionResult> OnGetSummaryAsync(string id, CancellationToken cancellationToken) =>
        await LoadAsync(id, cancellationToken) ? Partial("_TaskSummary", this) : NotFound();

    [PageScope(Scopes.TasksApprove)]
    public Task<IActionResult> OnPostApproveAsync(string id, [FromForm] string? plan, CancellationToken cancellationToken) =>
        ActAsync(id, async () =>
        {
            JsonElement? replacement = null;
            if (!string.IsNullOrWhiteSpace(plan))
            {
                EditedPlan = plan;
                try
                {
                    using var document = JsonDocument.Parse(plan, new JsonDocumentOptions { MaxDepth = 32 });
                    replacement = document.RootElement.Clone();
                }
                catch (JsonException e)
                {
                    throw new ValidationException("plan", $"is not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}); fix it or clear the box to approve the proposed plan");
                }
                var parsed = PlanParser.Parse(replacement.Value);
                if (!parsed.IsValid)
                {
                    throw new ValidationException("plan", string.Join(" ", parsed.Errors));
                }
            }
            await tasks.ApproveAsync(OrgId, id, replacement, cancellationToken);
        }, cancellationToken);

    [PageScope(Scopes.TasksApprove)]
    public Task<IActionResult> OnPostRejectAsync(string id, [FromForm] string? reason, CancellationToken cancellationToken) =>
        ActAsync(id, () => tasks.RejectAsync(OrgId, id, reason, cancellationToken), cancellationToken);

    [PageScope(Scopes.TasksWrite)]
    public Task<IActionResult> OnPostSayAsync(string id, [FromForm] string? text, CancellationToken cancellationToken) =>
        ActAsync(id, () => tasks.SayAsync(OrgId, id, text ?? "", "dashboard", "dashboard", cancellationToken), cancellationToken);

    [PageScope(Scopes.TasksWrite)]
    public Task<IActionResult> OnPostCancelAsync(string id, CancellationToken cancellationToken) =>
        ActAsync(id, () => tasks.CancelAsync(OrgId, id, "cancelled from the dashboard", cancellationToken), cancellationToken);

    [PageScope(Scopes.TasksWrite)]
    public Task<IActionResult> OnPostRetryAsync(string id, CancellationToken cancellationToken) =>
        ActAsync(id, () => tasks.RetryAsync(OrgId, id, cancellationToken), cancellationToken);

    /// <summary>Whether the signed-in person may do an action that needs <paramref name="scope"/> (the page hides the others).</summary>
    public bool May(string scope) => HttpContext.CallerOrNull()?.Has(scope) ?? false;

    private string OrgId => HttpContext.Caller().OrgId;

    private async Task<IActionResult> ActAsync(string id, Func<Task> action, CancellationToken cancellationToken)
    {
        try
        {
            await action();
            return Redirect($"/tasks/{id}");
        }
        catch (TaskNotFoundException)
        {
            return NotFoundPage(id);
        }
        catch (ValidationException invalid) when (invalid.Errors.ContainsKey("plan"))
        {
            PlanError = string.Join(" ", invalid.Errors["plan"]);
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }
        catch (Exception e) when (e is ValidationException or InvalidTransitionException)
        {
            ActionError = e.Message;
            Response.StatusCode = e is ValidationException ? StatusCodes.Status400BadRequest : StatusCodes.Status409Conflict;
        }
        return await LoadAsync(id, cancellationToken) ? Page() : NotFoundPage(id);
    }

    private async Task<bool> LoadAsync(string id, CancellationToken cancellationToken)
    {
        if (!TaskId.LooksValid(id) || await store.FindInOrgAsync(OrgId, id, cancellationToken) is not { } task)
        {
            return false;
        }
        Task = task;
        var events = new List<TaskEvent>();
        while (events.Count < MaxEvents)
        {
            var page = await store.ReadEventsAsync(id, events.Count == 0 ? 0 : events[^1].Sequence, 1_000, cancellationToken);
            events.AddRange(page);
            if (page.Count < 1_000)
            {
                break;
            }
        }
        Events = events;
        Conversation = await store.ListMessagesAsync(id, cancellationToken: cancellationToken);
        Commands = (await store.ListCommandsAsync(id, 0, MaxCommands, cancellationToken)).Commands;
        CommandTotals = await store.CommandTotalsAsync(id, cancellationToken);
        Items = Timeline.Build(events, fold: true);
        PlanJson = task.Plan ?? PlanFromEvents.Latest(events);
        var usage = PlanJson is null ? null : await store.ReportTaskUsageAsync(id, cancellationToken);
        Graph = Dashboard.PlanGraph.Build(PlanJson, events, usage);
        NarrowGraph = Dashboard.PlanGraph.Build(PlanJson, events, usage, narrow: true);
        return true;
    }

    private IActionResult NotFoundPage(string id)
    {
        Missing = $"There is no task '{(id.Length > 40 ? id[..40] + "…" : id)}' on this server. Go back to the board to find it.";
        Response.StatusCode = StatusCodes.Status404NotFound;
        return Page();
    }
}
