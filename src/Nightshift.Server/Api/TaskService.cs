using System.Text.Json;
using Nightshift.Core.Errors;
using Nightshift.Core.Forges;
using Nightshift.Core.Tasks;
using Nightshift.Core.Usage;
using Nightshift.Models;
using Nightshift.Models.Errors;
using Nightshift.Server.Metrics;
using Nightshift.Server.Repositories;
using Nightshift.Storage;

namespace Nightshift.Server.Api;

/// <summary>What the API does with tasks, between the HTTP shapes and the store.</summary>
internal sealed class TaskService(INightshiftStore store, IRepositoryGate repositoryGate, ServerMetrics metrics, ChatClientFactory models)
{
    public async Task<SubmitResult> SubmitAsync(SubmitTaskRequest request, string? idempotencyHeader, CancellationToken cancellationToken = default)
    {
        var key = request.IdempotencyKey;
        if (!string.IsNullOrEmpty(idempotencyHeader))
        {
            if (key is not null && key != idempotencyHeader)
            {
                throw new ValidationException(
                    "idempotencyKey",
                    "differs from the Idempotency-Key header; send the key once, in the body or in the header");
            }
            key = idempotencyHeader;
        }

        var task = new NewTask
        {
            Repo = request.Repo!,
            Instruction = request.Instruction!,
            Title = request.Title,
            BaseBranch = request.BaseBranch,
            Model = request.Model,
            Priority = request.Priority ?? 0,
            RequirePlanApproval = request.RequirePlanApproval ?? false,
            IdempotencyKey = key,
            MaxAttempts = request.MaxAttempts ?? 3,
            Source = "api",
        }.Validated();

        EnsureModelUsable(task.Model);
        await repositoryGate.EnsureAllowedAsync(task, cancellationToken);
        var result = await store.SubmitAsync(task, cancellationToken);
        if (result.Created)
        {
            metrics.TaskSubmitted();
            metrics.EventsAppended();
        }
        return result;
    }

    public async Task<TaskRecord> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        EnsureWellFormed(id);
        return await store.FindAsync(id, cancellationToken) ?? throw new TaskNotFoundException(id);
    }

    /// <summary>The task's usage split by plan subtask; a malformed or unknown id is a <see cref="TaskNotFoundException"/>.</summary>
    public async Task<TaskUsageBreakdown> UsageAsync(string id, CancellationToken cancellationToken = default)
    {
        EnsureWellFormed(id);
        return await store.ReportTaskUsageAsync(id, cancellationToken);
    }

    /// <returns>the task's pull request as the store keeps it (written by whichever worker published it), or null before one was opened.</returns>
    public async Task<(TaskRecord Task, PullRequest? PullRequest)> PullRequestAsync(string id, CancellationToken cancellationToken = default)
    {
        var task = await GetAsync(id, cancellationToken);
        return (task, await store.FindPullRequestAsync(task.Id, cancellationToken));
    }

    public Task<TaskPage> ListAsync(TaskQuery query, CancellationToken cancellationToken = default) =>
        store.ListAsync(query, cancellationToken);

    public Task<TaskRecord> CancelAsync(string id, string? reason, CancellationToken cancellationToken = default) =>
        CountedAsync(id, () => store.CancelAsync(id, CleanReason(reason), cancellationToken));

    public Task<TaskRecord> RetryAsync(string id, CancellationToken cancellationToken = default) =>
        CountedAsync(id, () => store.RetryAsync(id, cancellationToken));

    public Task<TaskRecord> ApproveAsync(string id, JsonElement? plan, CancellationToken cancellationToken = default)
    {
        EnsureWellFormed(id);
        string? planJson = null;
        if (plan is { ValueKind: not (JsonValueKind.Null or JsonValueKind.Undefined) } given)
        {
            if (given.ValueKind != JsonValueKind.Object)
            {
                throw new ValidationException("plan", "must be a JSON object (the plan as GET /api/v1/tasks/{id} shows it); leave it out to approve the proposed plan");
            }
            planJson = given.GetRawText();
            // The worker builds this plan as it stands: refuse one it could not build now, while the person can still fix it.
            var parsed = Nightshift.Core.Planning.PlanParser.Parse(planJson);
            if (!parsed.IsValid)
            {
                throw new ValidationException(new Dictionary<string, string[]>
                {
                    ["plan"] = [.. parsed.Errors.Take(50), "send the plan in the shape GET /api/v1/tasks/{id} shows: {\"subtasks\": [{\"id\", \"title\", \"description\", \"depends_on\", ...}]}"],
                });
            }
            var cycles = Nightshift.Core.Planning.PlanGraph.FindCycles(parsed.Plan!);
            if (cycles.Count > 0)
            {
                throw new ValidationException(
                    "plan",
                    $"the dependencies form a cycle ({string.Join("; ", cycles.Select(Nightshift.Core.Planning.PlanGraph.Describe))}; → means 'depends on'); remove one of these dependencies");
            }
        }
        return CountedAsync(id, () => store.ApproveAsync(id, planJson, cancellationToken));
    }

    /// <summary>A person's message to the task, or the answer to its question (see <see cref="ITaskConversationStore.AddMessageAsync"/>).</summary>
    public Task<TaskRecord> SayAsync(string id, string? text, string author, string source, CancellationToken cancellationToken = default)
    {
        EnsureWellFormed(id);
        if (text is null)
        {
            throw new ValidationException("text", "is required: send {\"text\": \"what the task should know\"}");
        }
        return CountedAsync(id, () => store.AddMessageAsync(id, new TaskMessage(author, source, text), cancellationToken));
    }

    public async Task<IReadOnlyList<TaskConversationEntry>> ConversationAsync(string id, CancellationToken cancellationToken = default)
    {
        EnsureWellFormed(id);
        return await store.ListMessagesAsync(id, cancellationToken: cancellationToken);
    }

    public Task<TaskRecord> RejectAsync(string id, string? reason, CancellationToken cancellationToken = default) =>
        CountedAsync(id, () => store.RejectAsync(id, CleanReason(reason), cancellationToken));

    /// <summary>
    /// Refuses, while the person can still fix it, a model string that would fail on the worker for a reason this
    /// server can see: a chain that does not parse, or a replay cassette outside Models:ReplayDirectory.
    /// </summary>
    private void EnsureModelUsable(string? model)
    {
        if (model is null)
        {
            return;
        }
        try
        {
            models.ValidateRequested(model);
        }
        catch (ModelConfigurationException exception)
        {
            throw new ValidationException("model", exception.Message);
        }
    }

    /// <summary>Refuses ids that cannot exist before they reach a query; they read as "not found" to the caller.</summary>
    public static void EnsureWellFormed(string id)
    {
        if (!TaskId.LooksValid(id))
        {
            throw new TaskNotFoundException(id);
        }
    }

    private async Task<TaskRecord> CountedAsync(string id, Func<Task<TaskRecord>> action)
    {
        EnsureWellFormed(id);
        var task = await action();
        metrics.EventsAppended();
        return task;
    }

    private static string? CleanReason(string? reason)
    {
        if (string.IsNullOrWhiteSpace(reason))
        {
            return null;
        }
        var trimmed = reason.Trim();
        if (trimmed.Length > 2_000)
        {
            throw new ValidationException("reason", $"is {trimmed.Length} characters long; at most 2000 are accepted");
        }
        return trimmed;
    }
}
