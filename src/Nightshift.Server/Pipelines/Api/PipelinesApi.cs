using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.Extensions.Options;
using Nightshift.Core.Errors;
using Nightshift.Core.Pipelines;
using Nightshift.Core.Teams;
using Nightshift.Server.Auth;
using Nightshift.Server.Events;
using Nightshift.Server.Metrics;
using Nightshift.Server.Problems;
using Nightshift.Storage.Pipelines;

namespace Nightshift.Server.Pipelines.Api;

/// <summary>
/// The pipeline routes: registered pipelines under <c>/api/v1/pipelines</c>, runs under <c>/api/v1/runs</c> (with their
/// event stream, step approvals and cancelling). Reads are scoped to the caller's organisation; another organisation's
/// pipeline or run is a 404 exactly like a missing one.
/// </summary>
internal static class PipelinesApi
{
    public const string PipelinesPrefix = "/api/v1/pipelines";
    public const string RunsPrefix = "/api/v1/runs";
    public const int MaxEventPage = 1_000;
    private const int MaxProblemsShown = 200;

    public static IEndpointRouteBuilder MapPipelinesApi(this IEndpointRouteBuilder app)
    {
        var pipelines = app.MapGroup(PipelinesPrefix).WithTags("pipelines");
        pipelines.MapGet("/", ListAsync).WithName("ListPipelines").RequireScope(Scopes.TasksRead);
        pipelines.MapPost("/", SaveAsync).WithName("SavePipeline").RequireScope(Scopes.TasksWrite);
        pipelines.MapPost("/validate", ValidateAsync).WithName("ValidatePipeline").RequireScope(Scopes.TasksRead);
        pipelines.MapGet("/{name}", GetAsync).WithName("GetPipeline").RequireScope(Scopes.TasksRead);
        pipelines.MapDelete("/{name}", DeleteAsync).WithName("DeletePipeline").RequireScope(Scopes.TasksWrite);

        var runs = app.MapGroup(RunsPrefix).WithTags("runs");
        runs.MapPost("/", StartAsync).WithName("StartRun").RequireScope(Scopes.TasksWrite);
        runs.MapGet("/", ListRunsAsync).WithName("ListRuns").RequireScope(Scopes.TasksRead);
        runs.MapGet("/{id}", GetRunAsync).WithName("GetRun").RequireScope(Scopes.TasksRead);
        runs.MapGet("/{id}/events", EventsAsync).WithName("GetRunEvents")
            .Produces<RunEventView[]>(StatusCodes.Status200OK, "application/json")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream")
            .RequireScope(Scopes.TasksRead);
        runs.MapPost("/{id}/steps/{step}/approve", ApproveAsync).WithName("ApproveRunStep").RequireScope(Scopes.TasksApprove);
        runs.MapPost("/{id}/steps/{step}/reject", RejectAsync).WithName("RejectRunStep").RequireScope(Scopes.TasksApprove);
        runs.MapPost("/{id}/cancel", CancelAsync).WithName("CancelRun").RequireScope(Scopes.TasksWrite);
        return app;
    }

    private static async Task<Ok<PipelineListResponse>> ListAsync(HttpContext context, PipelineService pipelines, CancellationToken cancellationToken)
    {
        var all = await pipelines.ListAsync(context.Caller().OrgId, cancellationToken);
        return TypedResults.Ok(new PipelineListResponse([.. all.Select(p => PipelineView.From(p, PipelineService.DefinitionOf(p.Yaml, p.Name), withYaml: false))]));
    }

    private static async Task<Results<Created<PipelineView>, Ok<PipelineView>, ProblemHttpResult>> SaveAsync(
        HttpContext context, PipelineService pipelines, CancellationToken cancellationToken)
    {
        string yaml;
        try
        {
            yaml = await PipelineBodyReader.ReadAsync(context.Request, cancellationToken);
        }
        catch (Exception error) when (BodyProblem(error) is { } problem)
        {
            return problem;
        }
        try
        {
            var (record, created, definition) = await pipelines.SaveAsync(context.Caller(), yaml, cancellationToken);
            var location = $"{PipelinesPrefix}/{record.Name}";
            var view = PipelineView.From(record, definition, withYaml: true);
            if (created)
            {
                return TypedResults.Created(location, view);
            }
            // The audit log names what a replacement changed from the Location header, as for a creation.
            context.Response.Headers.Location = location;
            return TypedResults.Ok(view);
        }
        catch (PipelineProblemsException problems)
        {
            return ProblemsOf(problems);
        }
    }

    private static async Task<Results<Ok<PipelineValidationResponse>, ProblemHttpResult>> ValidateAsync(HttpContext context, CancellationToken cancellationToken)
    {
        string yaml;
        try
        {
            yaml = await PipelineBodyReader.ReadAsync(context.Request, cancellationToken);
        }
        catch (Exception error) when (BodyProblem(error) is { } problem)
        {
            return problem;
        }
        var parsed = PipelineService.Parse(yaml, "pipeline.yml");
        return TypedResults.Ok(new PipelineValidationResponse(
            parsed.Ok,
            parsed.Definition?.Name,
            [.. parsed.Problems.Take(MaxProblemsShown).Select(PipelineProblemView.From)]));
    }

    private static async Task<Results<Ok<PipelineView>, ProblemHttpResult>> GetAsync(
        string name, HttpContext context, PipelineService pipelines, CancellationToken cancellationToken) =>
        await pipelines.FindAsync(context.Caller().OrgId, name, cancellationToken) is { } record
            ? TypedResults.Ok(PipelineView.From(record, PipelineService.DefinitionOf(record.Yaml, record.Name), withYaml: true))
            : UnknownPipeline(name);

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        string name, HttpContext context, PipelineService pipelines, CancellationToken cancellationToken) =>
        await pipelines.DeleteAsync(context.Caller().OrgId, name, cancellationToken) ? TypedResults.NoContent() : UnknownPipeline(name);

    private static async Task<Results<Created<RunView>, Ok<RunView>, ProblemHttpResult>> StartAsync(
        RunRequest body,
        [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey,
        HttpContext context,
        PipelineService pipelines,
        CancellationToken cancellationToken)
    {
        try
        {
            var (run, created) = await pipelines.StartAsync(context.Caller(), body, idempotencyKey, cancellationToken);
            var steps = await pipelines.GetRunAsync(run.OrgId, run.Id, cancellationToken);
            var view = PipelineService.View(run, steps?.Steps ?? []);
            return created ? TypedResults.Created($"{RunsPrefix}/{run.Id}", view) : TypedResults.Ok(view);
        }
        catch (PipelineProblemsException problems)
        {
            return ProblemsOf(problems);
        }
    }

    private static async Task<Ok<RunListResponse>> ListRunsAsync(
        string? pipeline, string? state, string? limit, HttpContext context, PipelineService pipelines, CancellationToken cancellationToken)
    {
        var query = ParseRunQuery(pipeline, state, limit);
        var runs = await pipelines.ListRunsAsync(context.Caller().OrgId, query.Pipeline, query.State, query.Limit, cancellationToken);
        return TypedResults.Ok(new RunListResponse([.. runs.Select(r => PipelineService.View(r, null))]));
    }

    private static async Task<Results<Ok<RunView>, ProblemHttpResult>> GetRunAsync(
        string id, HttpContext context, PipelineService pipelines, CancellationToken cancellationToken) =>
        await pipelines.GetRunAsync(context.Caller().OrgId, id, cancellationToken) is { } found
            ? TypedResults.Ok(PipelineService.View(found.Run, found.Steps))
            : UnknownRun(id);

    private static async Task<IResult> EventsAsync(
        string id,
        string? after,
        string? limit,
        HttpContext context,
        PipelineService pipelines,
        ServerMetrics metrics,
        IOptions<SseOptions> sseOptions,
        IOptions<PipelineApiOptions> apiOptions,
        IHostApplicationLifetime lifetime,
        TimeProvider timeProvider)
    {
        var wantsStream = context.Request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals("text/event-stream", StringComparison.OrdinalIgnoreCase));
        var lastEventId = context.Request.Headers["Last-Event-ID"].ToString();
        var resume = wantsStream && !string.IsNullOrWhiteSpace(lastEventId);
        var afterSequence = ParseSequence(resume ? lastEventId : after, resume ? "Last-Event-ID" : "after");

        if (await pipelines.FindRunAsync(context.Caller().OrgId, id, context.RequestAborted) is not { } run)
        {
            return UnknownRun(id);
        }
        if (!wantsStream)
        {
            var events = await pipelines.ReadEventsAsync(run.Id, afterSequence, ParseLimit(limit), context.RequestAborted);
            return TypedResults.Ok(events.Select(RunEventFeed.View).ToArray());
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        var feed = new RunEventFeed(pipelines, timeProvider, apiOptions.Value.EventPollInterval);
        var stream = new SseStream(context.Response, timeProvider, sseOptions.Value.HeartbeatInterval, metrics);
        await stream.RunAsync(feed.FramesAsync(run, afterSequence, stop.Token), stop.Token);
        return EmptyHttpResult.Instance;
    }

    private static Task<Results<Ok<RunView>, ProblemHttpResult>> ApproveAsync(
        string id,
        string step,
        [FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] DecisionRequest? body,
        HttpContext context,
        PipelineService pipelines,
        CancellationToken cancellationToken) =>
        DecideAsync(id, step, approve: true, body?.Reason, context, pipelines, cancellationToken);

    private static Task<Results<Ok<RunView>, ProblemHttpResult>> RejectAsync(
        string id,
        string step,
        [FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] DecisionRequest? body,
        HttpContext context,
        PipelineService pipelines,
        CancellationToken cancellationToken) =>
        DecideAsync(id, step, approve: false, body?.Reason, context, pipelines, cancellationToken);

    private static async Task<Results<Ok<RunView>, ProblemHttpResult>> DecideAsync(
        string id, string step, bool approve, string? reason, HttpContext context, PipelineService pipelines, CancellationToken cancellationToken)
    {
        var caller = context.Caller();
        var result = await pipelines.DecideAsync(caller, id, step, approve, reason, cancellationToken);
        var found = await pipelines.GetRunAsync(caller.OrgId, id, cancellationToken);
        if (result == StepDecisionResult.NotFound || found is null)
        {
            return found is null
                ? UnknownRun(id)
                : Problem.NotFound($"run {PipelineNames.Clip(id)} has no step '{PipelineNames.Clip(step)}'; `nightshift pipeline show {PipelineNames.Clip(id)}` lists its steps");
        }
        if (result == StepDecisionResult.NotWaiting)
        {
            var state = found.Value.Steps.FirstOrDefault(s => s.Name == step)?.State.ToWire() ?? "pending";
            return Problem.Conflict(
                "the step is not waiting for approval",
                $"step '{PipelineNames.Clip(step)}' of run {found.Value.Run.Id} is {state}, not awaiting_approval: only a step waiting for approval can be approved or rejected, once");
        }
        return TypedResults.Ok(PipelineService.View(found.Value.Run, found.Value.Steps));
    }

    private static async Task<Results<Accepted<RunView>, ProblemHttpResult>> CancelAsync(
        string id, HttpContext context, PipelineService pipelines, CancellationToken cancellationToken)
    {
        var orgId = context.Caller().OrgId;
        if (await pipelines.FindRunAsync(orgId, id, cancellationToken) is not { } run)
        {
            return UnknownRun(id);
        }
        if (run.State.IsFinished() || !await pipelines.CancelAsync(orgId, id, cancellationToken))
        {
            var now = await pipelines.FindRunAsync(orgId, id, cancellationToken) ?? run;
            return Problem.Conflict("the run has ended", $"run {run.Id} is {now.State.ToWire()}: only a run that has not ended can be cancelled");
        }
        var found = await pipelines.GetRunAsync(orgId, id, cancellationToken);
        return TypedResults.Accepted($"{RunsPrefix}/{run.Id}", PipelineService.View(found?.Run ?? run, found?.Steps ?? []));
    }

    internal static (string? Pipeline, RunState? State, int Limit) ParseRunQuery(string? pipeline, string? state, string? limit)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var name = string.IsNullOrWhiteSpace(pipeline) ? null : pipeline.Trim();
        if (name is not null && !PipelineNames.IsPipelineName(name))
        {
            errors["pipeline"] = [$"'{PipelineNames.Clip(name)}' is not a pipeline name: lowercase letters, digits, '-' and '_', starting with a letter"];
        }
        RunState? stateFilter = null;
        if (!string.IsNullOrWhiteSpace(state))
        {
            stateFilter = PipelineStates.ParseRunState(state.Trim());
            if (stateFilter is null)
            {
                errors["state"] = [$"'{PipelineNames.Clip(state)}' is not a run state; use one of: {string.Join(", ", Enum.GetValues<RunState>().Select(s => s.ToWire()))}"];
            }
        }
        var size = PipelineService.DefaultRunLimit;
        if (!string.IsNullOrWhiteSpace(limit)
            && (!int.TryParse(limit.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out size) || size is < 1 or > PipelineService.MaxRunLimit))
        {
            errors["limit"] = [$"'{PipelineNames.Clip(limit)}' is not a page size; use a whole number from 1 to {PipelineService.MaxRunLimit}"];
        }
        if (errors.Count > 0)
        {
            throw new ValidationException(errors);
        }
        return (name, stateFilter, size);
    }

    private static ProblemHttpResult? BodyProblem(Exception error) => error switch
    {
        PipelineBodyTooLargeException tooLarge => Problem.Create(StatusCodes.Status413PayloadTooLarge, "the pipeline is too large", tooLarge.Message),
        UnsupportedBodyException unsupported => Problem.Create(StatusCodes.Status415UnsupportedMediaType, "the body is neither JSON nor YAML", unsupported.Message),
        _ => null,
    };

    private static ProblemHttpResult ProblemsOf(PipelineProblemsException problems)
    {
        var shown = problems.Problems.Take(MaxProblemsShown).ToList();
        var lines = shown.Select(p => p.ToString()).ToArray();
        var more = problems.Problems.Count > shown.Count ? $" (the first {shown.Count} of {problems.Problems.Count})" : "";
        return Problem.Create(
            problems.Status,
            problems.Title,
            $"{problems.Problems.Count} problem(s){more}: " + string.Join("; ", lines.Take(3)) + (lines.Length > 3 ? "; …" : "")
                + " — fix them and send the pipeline again (`nightshift pipeline validate FILE` checks it offline)",
            new Dictionary<string, object?>
            {
                ["problems"] = shown.Select(PipelineProblemView.From).ToArray(),
                ["errors"] = new Dictionary<string, string[]> { ["yaml"] = lines },
            });
    }

    private static long ParseSequence(string? value, string name)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return 0;
        }
        if (!long.TryParse(value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var sequence))
        {
            throw new ValidationException(name, $"must be the sequence number of an event already received (a whole number from 0), not '{PipelineNames.Clip(value)}'");
        }
        return sequence;
    }

    private static int ParseLimit(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return MaxEventPage;
        }
        if (!int.TryParse(value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var size) || size is < 1 or > MaxEventPage)
        {
            throw new ValidationException("limit", $"'{PipelineNames.Clip(value)}' is not a page size; use a whole number from 1 to {MaxEventPage}");
        }
        return size;
    }

    private static ProblemHttpResult UnknownPipeline(string name) => Problem.NotFound(
        $"there is no registered pipeline '{PipelineNames.Clip(name)}'; list them with GET {PipelinesPrefix} or `nightshift pipeline ls`");

    private static ProblemHttpResult UnknownRun(string id) => Problem.NotFound(
        $"there is no run '{PipelineNames.Clip(id)}'; list them with GET {RunsPrefix} or `nightshift pipeline runs`");
}
