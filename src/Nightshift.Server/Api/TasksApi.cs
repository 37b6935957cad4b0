using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Nightshift.Core.Errors;
using Nightshift.Core.Tasks;
using Nightshift.Core.Teams;
using Nightshift.Server.Auth;
using Nightshift.Server.Problems;
using Nightshift.Storage;

namespace Nightshift.Server.Api;

/// <summary>The task routes under <c>/api/v1/tasks</c>.</summary>
internal static class TasksApi
{
    public static RouteGroupBuilder MapTasksApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/tasks").WithTags("tasks");
        group.MapPost("/", SubmitAsync).WithName("SubmitTask").RequireScope(Scopes.TasksWrite);
        group.MapGet("/", ListAsync).WithName("ListTasks").RequireScope(Scopes.TasksRead);
        group.MapGet("/{id}", GetAsync).WithName("GetTask").RequireScope(Scopes.TasksRead);
        group.MapPost("/{id}/cancel", CancelAsync).WithName("CancelTask").RequireScope(Scopes.TasksWrite);
        group.MapPost("/{id}/retry", RetryAsync).WithName("RetryTask").RequireScope(Scopes.TasksWrite);
        group.MapPost("/{id}/approve", ApproveAsync).WithName("ApproveTask").RequireScope(Scopes.TasksApprove);
        group.MapPost("/{id}/reject", RejectAsync).WithName("RejectTask").RequireScope(Scopes.TasksApprove);
        group.MapGet("/{id}/diff", DiffAsync).WithName("GetTaskDiff").RequireScope(Scopes.TasksRead);
        group.MapGet("/{id}/usage", UsageAsync).WithName("GetTaskUsage").RequireScope(Scopes.UsageRead);
        group.MapGet("/{id}/pull-request", PullRequestAsync).WithName("GetTaskPullRequest").RequireScope(Scopes.TasksRead);
        group.MapPost("/{id}/messages", SayAsync).WithName("SendTaskMessage").RequireScope(Scopes.TasksWrite);
        group.MapGet("/{id}/messages", ConversationAsync).WithName("GetTaskMessages").RequireScope(Scopes.TasksRead);
        return group;
    }

    private static async Task<Results<Created<TaskRecord>, Ok<TaskRecord>>> SubmitAsync(
        SubmitTaskRequest body,
        [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey,
        HttpContext context,
        TaskService tasks,
        CancellationToken cancellationToken)
    {
        var result = await tasks.SubmitAsync(context.Caller(), body, idempotencyKey, cancellationToken);
        return result.Created
            ? TypedResults.Created($"/api/v1/tasks/{result.Task.Id}", result.Task)
            : TypedResults.Ok(result.Task);
    }

    private static async Task<Ok<TaskListResponse>> ListAsync(
        string? status,
        string? repo,
        string? cursor,
        string? limit,
        HttpContext context,
        TaskService tasks,
        CancellationToken cancellationToken)
    {
        var query = ParseQuery(status, repo, cursor, limit);
        var page = await tasks.ListAsync(context.Caller().OrgId, query, cancellationToken);
        return TypedResults.Ok(new TaskListResponse(page.Items, page.NextCursor));
    }

    private static async Task<Ok<TaskRecord>> GetAsync(string id, HttpContext context, TaskService tasks, CancellationToken cancellationToken) =>
        TypedResults.Ok(await tasks.GetAsync(context.Caller().OrgId, id, cancellationToken));

    private static async Task<Ok<TaskUsageResponse>> UsageAsync(string id, HttpContext context, TaskService tasks, CancellationToken cancellationToken) =>
        TypedResults.Ok(TaskUsageResponse.Of(await tasks.UsageAsync(context.Caller().OrgId, id, cancellationToken)));

    private static async Task<Ok<TaskRecord>> CancelAsync(
        string id,
        [FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] ReasonRequest? body,
        HttpContext context,
        TaskService tasks,
        CancellationToken cancellationToken) =>
        TypedResults.Ok(await tasks.CancelAsync(context.Caller().OrgId, id, body?.Reason, cancellationToken));

    private static async Task<Ok<TaskRecord>> RetryAsync(string id, HttpContext context, TaskService tasks, CancellationToken cancellationToken) =>
        TypedResults.Ok(await tasks.RetryAsync(context.Caller().OrgId, id, cancellationToken));

    private static async Task<Ok<TaskRecord>> ApproveAsync(
        string id,
        [FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] ApproveRequest? body,
        HttpContext context,
        TaskService tasks,
        CancellationToken cancellationToken) =>
        TypedResults.Ok(await tasks.ApproveAsync(context.Caller().OrgId, id, body?.Plan, cancellationToken));

    private static async Task<Ok<TaskRecord>> RejectAsync(
        string id,
        [FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] ReasonRequest? body,
        HttpContext context,
        TaskService tasks,
        CancellationToken cancellationToken) =>
        TypedResults.Ok(await tasks.RejectAsync(context.Caller().OrgId, id, body?.Reason, cancellationToken));

    private static async Task<Results<Accepted<TaskRecord>, ProblemHttpResult>> SayAsync(
        string id,
        [FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] MessageRequest? body,
        HttpContext context,
        TaskService tasks,
        CancellationToken cancellationToken)
    {
        if (body?.Text is { Length: > TaskMessage.MaxTextLength } text && text.Trim().Length > TaskMessage.MaxTextLength)
        {
            return Problem.Create(
                StatusCodes.Status413PayloadTooLarge,
                "the message is too long",
                $"the message is {text.Trim().Length} characters long; at most {TaskMessage.MaxTextLength} are accepted — shorten it, or put long material in the repository and point to it");
        }
        var caller = context.Caller();
        var task = await tasks.SayAsync(caller.OrgId, id, body?.Text, "api", "api", cancellationToken);
        return TypedResults.Accepted($"/api/v1/tasks/{task.Id}/messages", task);
    }

    private static async Task<Ok<ConversationResponse>> ConversationAsync(string id, HttpContext context, TaskService tasks, CancellationToken cancellationToken) =>
        TypedResults.Ok(new ConversationResponse(await tasks.ConversationAsync(context.Caller().OrgId, id, cancellationToken)));

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> DiffAsync(
        string id, HttpContext context, TaskService tasks, CancellationToken cancellationToken)
    {
        // The diff is the one published with the task's pull request (kept in the store by the worker that published
        // it, so any server of a fleet has it): what a reviewer sees, not a worktree in flux.
        var (task, pull) = await tasks.PullRequestAsync(context.Caller().OrgId, id, cancellationToken);
        if (pull is null)
        {
            return NoPullRequest(task);
        }
        return TypedResults.Text(pull.Diff, "text/x-diff; charset=utf-8");
    }

    private static async Task<Results<Ok<PullRequestView>, ProblemHttpResult>> PullRequestAsync(
        string id, HttpContext context, TaskService tasks, CancellationToken cancellationToken)
    {
        var (task, pull) = await tasks.PullRequestAsync(context.Caller().OrgId, id, cancellationToken);
        return pull is null ? NoPullRequest(task) : TypedResults.Ok(PullRequestView.From(pull));
    }

    private static ProblemHttpResult NoPullRequest(TaskRecord task) => Problem.Conflict(
        "this task has no change yet",
        $"task {task.Id} is {task.Status.ToWire()} and has no published change yet: a diff exists once its pull request is opened");

    internal static TaskQuery ParseQuery(string? status, string? repo, string? cursor, string? limit)
    {
        var errors = new Dictionary<string, string[]>();
        TaskState? state = null;
        if (!string.IsNullOrWhiteSpace(status))
        {
            if (TaskStateNames.TryParseStatus(status.Trim(), out var parsed))
            {
                state = parsed;
            }
            else
            {
                errors["status"] = [$"'{Shorten(status)}' is not a task status; use one of: {string.Join(", ", Enum.GetValues<TaskState>().Select(s => s.ToWire()))}"];
            }
        }

        var size = 50;
        if (!string.IsNullOrWhiteSpace(limit))
        {
            if (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out size) || size is < 1 or > TaskQuery.MaxLimit)
            {
                errors["limit"] = [$"'{Shorten(limit)}' is not a page size; use a whole number from 1 to {TaskQuery.MaxLimit}"];
            }
        }

        var repoFilter = string.IsNullOrWhiteSpace(repo) ? null : repo.Trim();
        if (repoFilter is { Length: > NewTask.MaxRepoLength })
        {
            errors["repo"] = [$"is longer than {NewTask.MaxRepoLength} characters, so no task can match it"];
        }

        var cursorValue = string.IsNullOrWhiteSpace(cursor) ? null : cursor.Trim();
        if (cursorValue is { Length: > 512 })
        {
            errors["cursor"] = ["is not a cursor this server handed out; pass nextCursor from the previous page unchanged"];
        }

        if (errors.Count > 0)
        {
            throw new ValidationException(errors);
        }
        return new TaskQuery(state, repoFilter, cursorValue, size);
    }

    private static string Shorten(string value) => value.Length <= 40 ? value : value[..40] + "…";
}
