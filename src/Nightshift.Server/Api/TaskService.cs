using System.Text.Json;
using Nightshift.Core.Errors;
using Nightshift.Core.Forges;
using Nightshift.Core.Tasks;
using Nightshift.Core.Teams;
using Nightshift.Core.Usage;
using Nightshift.Models;
using Nightshift.Models.Errors;
using Nightshift.Server.Auth;
using Nightshift.Server.Metrics;
using Nightshift.Server.Repositories;
using Nightshift.Storage;

namespace Nightshift.Server.Api;

/// <summary>
/// What the API and the dashboard do with tasks, between the HTTP shapes and the store. Every call is scoped to one
/// organisation: another organisation's task is a <see cref="TaskNotFoundException"/>, exactly like a missing one.
/// </summary>
internal sealed class TaskService(INightshiftStore store, IRepositoryGate repositoryGate, ServerMetrics metrics, ChatClientFactory models)
{
    /// <summary>Submits a task in the caller's organisation, when the organisation allows its repository.</summary>
    /// <exception cref="ForbiddenException">the organisation's allowed repositories do not include it.</exception>
    public async Task<SubmitResult> SubmitAsync(Caller caller, SubmitTaskRequest request, string? idempotencyHeader, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
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
            OrgId = caller.OrgId,
        }.Validated();

        EnsureModelUsable(task.Model);
        await EnsureOrgAllowsAsync(caller.OrgId, task.Repo, cancellationToken);
        await repositoryGate.EnsureAllowedAsync(task, cancellationToken);
        var result = await store.SubmitAsync(task, cancellationToken);
        if (result.Created)
        {
            metrics.TaskSubmitted();
            metrics.EventsAppended();
        }
        return result;
    }

    public async Task<TaskRecord> GetAsync(string orgId, string id, CancellationToken cancellationToken = default)
    {
        EnsureWellFormed(id);
        return await store.FindInOrgAsync(orgId, id, cancellationToken) ?? throw new TaskNotFoundException(id);
    }

    /// <summary>The task's usage split by plan subtask; a malformed or unknown id is a <see cref="TaskNotFoundException"/>.</summary>
    public async Task<TaskUsageBreakdown> UsageAsync(string orgId, string id, CancellationToken cancellationToken = default)
    {
        var task = await GetAsync(orgId, id, cancellationToken);
        return await store.ReportTaskUsageAsync(task.Id, cancellationToken);
    }

    /// <returns>the task's pull request as the store keeps it (written by whichever worker published it), or null before one was opened.</returns>
    public async Task<(TaskRecord Task, PullRequest? PullRequest)> PullRequestAsync(string orgId, string id, CancellationToken cancellationToken = default)
    {
        var task = await GetAsync(orgId, id, cancellationToken);
        return (task, await store.FindPullRequestAsync(task.Id, cancellationToken));
    }

    public Task<TaskPage> ListAsync(string orgId, TaskQuery query, CancellationToken cancellationToken = default) =>
        store.ListAsync(query with { OrgId = orgId }, cancellationToken);

    public Task<TaskRecord> CancelAsync(string orgId, string id, string? reason, CancellationToken cancellationToken = default) =>
        CountedAsync(orgId, id, () => store.CancelAsync(id, CleanReason(reason), cancellationToken), cancellationToken);

    public Task<TaskRecord> RetryAsync(string orgId, string id, CancellationToken cancellationToken = default) =>
        CountedAsync(orgId, id, () => store.RetryAsync(id, cancellationToken), cancellationToken);

    public async Task<TaskRecord> ApproveAsync(string orgId, string id, JsonElement? plan, CancellationToken cancellationToken = default)
    {
        // Another organisation's task is a 404 before anything about the body is said.
        _ = await GetAsync(orgId, id, cancellationToken);
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
        var approved = await store.ApproveAsync(id, planJson, cancellationToken);
        metrics.EventsAppended();
        return approved;
    }

    /// <summary>A person's message to the task, or the answer to its question (see <see cref="ITaskConversationStore.AddMessageAsync"/>).</summary>
    public async Task<TaskRecord> SayAsync(string orgId, string id, string? text, string author, string source, CancellationToken cancellationToken = default)
    {
        _ = await GetAsync(orgId, id, cancellationToken);
        if (text is null)
        {
            throw new ValidationException("text", "is required: send {\"text\": \"what the task should know\"}");
        }
        var task = await store.AddMessageAsync(id, new TaskMessage(author, source, text), cancellationToken);
        metrics.EventsAppended();
        return task;
    }

    public async Task<IReadOnlyList<TaskConversationEntry>> ConversationAsync(string orgId, string id, CancellationToken cancellationToken = default)
    {
        var task = await GetAsync(orgId, id, cancellationToken);
        return await store.ListMessagesAsync(task.Id, cancellationToken: cancellationToken);
    }

    public Task<TaskRecord> RejectAsync(string orgId, string id, string? reason, CancellationToken cancellationToken = default) =>
        CountedAsync(orgId, id, () => store.RejectAsync(id, CleanReason(reason), cancellationToken), cancellationToken);

    /// <summary>Refuses a repository the organisation's <c>AllowedRepos</c> does not include (an empty list allows any).</summary>
    internal async Task EnsureOrgAllowsAsync(string orgId, string repo, CancellationToken cancellationToken)
    {
        var org = await store.FindOrgAsync(orgId, cancellationToken);
        if (org is null || OrgRepositories.Allows(org.AllowedRepos, repo))
        {
            return;
        }
        throw new ForbiddenException(
            "repository not allowed for this organisation",
            $"organisation '{orgId}' may use only the repositories in its allowedRepos setting ({OrgRepositories.Describe(org.AllowedRepos)}), "
            + $"and '{Shorten(repo)}' is not one of them: use one of those, or ask an admin to add it (PATCH /api/v1/orgs/{orgId})");
    }

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

    private async Task<TaskRecord> CountedAsync(string orgId, string id, Func<Task<TaskRecord>> action, CancellationToken cancellationToken)
    {
        _ = await GetAsync(orgId, id, cancellationToken);
        var task = await action();
        metrics.EventsAppended();
        return task;
    }

    private static string Shorten(string value) => value.Length <= 200 ? value : value[..200] + "…";

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
