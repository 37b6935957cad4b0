using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Nightshift.Core.Errors;
using Nightshift.Core.Teams;
using Nightshift.Server.Auth;
using Nightshift.Storage;
using Nightshift.Storage.Commands;

namespace Nightshift.Server.Api;

/// <summary>
/// <c>GET /api/v1/tasks/{id}/commands</c>: the task's command audit trail (every command it ran in a jail), paged with
/// <c>?after=SEQ&amp;limit=N</c>. Another organisation's task is a 404 exactly like a missing one.
/// </summary>
internal static class TaskCommandsApi
{
    public const int DefaultLimit = 100;

    public static IEndpointRouteBuilder MapTaskCommandsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/tasks/{id}/commands", ListAsync).WithTags("tasks").WithName("GetTaskCommands").RequireScope(Scopes.TasksRead);
        return app;
    }

    private static async Task<Ok<TaskCommandsResponse>> ListAsync(
        string id,
        string? after,
        string? limit,
        HttpContext context,
        TaskService tasks,
        INightshiftStore store,
        CancellationToken cancellationToken)
    {
        var (afterSeq, size) = ParsePage(after, limit);
        var task = await tasks.GetAsync(context.Caller().OrgId, id, cancellationToken);
        var page = await store.ListCommandsAsync(task.Id, afterSeq, size, cancellationToken);
        var totals = await store.CommandTotalsAsync(task.Id, cancellationToken);
        return TypedResults.Ok(new TaskCommandsResponse(task.Id, [.. page.Commands.Select(TaskCommandView.From)], page.Next, totals));
    }

    internal static (long After, int Limit) ParsePage(string? after, string? limit)
    {
        var errors = new Dictionary<string, string[]>();
        long afterSeq = 0;
        if (!string.IsNullOrWhiteSpace(after) && (!long.TryParse(after, NumberStyles.None, CultureInfo.InvariantCulture, out afterSeq) || afterSeq < 0))
        {
            errors["after"] = [$"'{Shorten(after)}' is not a command number; give 0 for the first page, then the previous page's 'next'"];
        }
        var size = DefaultLimit;
        if (!string.IsNullOrWhiteSpace(limit) && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out size) || size is < 1 or > TaskCommandPage.MaxLimit))
        {
            errors["limit"] = [$"'{Shorten(limit)}' is not a page size; use a whole number from 1 to {TaskCommandPage.MaxLimit}"];
        }
        if (errors.Count > 0)
        {
            throw new ValidationException(errors);
        }
        return (afterSeq, size);
    }

    private static string Shorten(string value) => value.Length <= 40 ? value : value[..40] + "…";
}
