using System.Globalization;
using System.Text;
using System.Text.Json;
using Nightshift.Core.Errors;
using Nightshift.Core.Events;
using Nightshift.Core.Events.Payloads;
using Nightshift.Core.Serialization;
using Nightshift.Core.Tasks;
using Nightshift.Core.Teams;

namespace Nightshift.Storage.Relational;

internal abstract partial class RelationalStore
{
    private const int MaxReasonLength = 4_000;

    private const string InsertTask =
        """
        INSERT INTO tasks (id, repo, instruction, title, base_branch, model, priority, require_plan_approval,
            idempotency_key, source, status, phase, attempts, max_attempts, created_at, updated_at, run_after, last_seq,
            origin, origin_key, follow_up_of, org_id, run_step)
        VALUES (@id, @repo, @instruction, @title, @base, @model, @priority, @approval,
            @key, @source, 'queued', 'none', 0, @max, @now, @now, @runAfter, @lastSeq,
            @origin, @originKey, @followUpOf, @org, @runStep)
        ON CONFLICT (org_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
        """;

    public async Task<SubmitResult> SubmitAsync(NewTask task, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(task);
        var valid = task.Validated();
        var now = Now();
        var runAfter = valid.RunAfter is { } wanted && wanted > now ? TaskColumns.Time(TaskColumns.Ms(wanted)) : now;
        var id = TaskId.New(Time);
        var queued = Payloads.Write(null, new TaskQueuedPayload(valid.Repo, valid.Title, valid.Priority, valid.Source, runAfter > now ? runAfter : null));
        List<(string Name, object? Value)> args =
        [
            ("id", id), ("repo", valid.Repo), ("instruction", valid.Instruction), ("title", valid.Title),
            ("base", valid.BaseBranch), ("model", valid.Model), ("priority", (long)valid.Priority),
            ("approval", valid.RequirePlanApproval), ("key", valid.IdempotencyKey), ("source", valid.Source),
            ("max", (long)valid.MaxAttempts), ("now", TaskColumns.Ms(now)), ("runAfter", TaskColumns.Ms(runAfter)),
            ("origin", valid.Origin is null ? null : JsonSerializer.Serialize(valid.Origin, NightshiftJson.Options)),
            ("originKey", valid.Origin?.Key), ("followUpOf", valid.FollowUpOf), ("org", valid.OrgId),
            ("runStep", valid.RunStep is null ? null : JsonSerializer.Serialize(valid.RunStep, NightshiftJson.Options)),
        ];
        if (CanChainStatements && !Options.GeneralPathOnly
            && await SubmitChainedAsync(args, queued, valid.OrgId, valid.IdempotencyKey, cancellationToken).ConfigureAwait(false) is { } chained)
        {
            return chained;
        }

        await using var scope = await BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        if (valid.IdempotencyKey is { } key
            && await FindByKeyAsync(scope.Session, valid.OrgId, key, cancellationToken).ConfigureAwait(false) is { } earlier)
        {
            return new SubmitResult(earlier.Record, Created: false);
        }

        // The unique index decides between concurrent submits with one key; the loser reads the winner's task.
        var inserted = await scope.Session.QuerySingleAsync(
            $"{InsertTask} RETURNING {TaskColumns.List}",
            [.. args, ("lastSeq", 0L)],
            TaskColumns.Read,
            cancellationToken).ConfigureAwait(false);
        if (inserted is null)
        {
            var winner = await FindByKeyAsync(scope.Session, valid.OrgId, valid.IdempotencyKey!, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException("a task with this idempotency key was being written and then vanished");
            return new SubmitResult(winner.Record, Created: false);
        }

        var row = await UpdateAsync(scope, id, now, [], [(EventTypes.TaskQueued, queued)], withCheckpoint: false, cancellationToken).ConfigureAwait(false);
        scope.SignalWork();
        await CommitAsync(scope).ConfigureAwait(false);
        return new SubmitResult(row.Record, Created: true);
    }

    /// <summary>
    /// The submit as one statement where the dialect can chain an INSERT's result into the next (PostgreSQL): the
    /// task and its <c>task.queued</c> event go in together, one round trip and one commit, durable like any submit.
    /// Null when the idempotency key belongs to a task that is not there to read: the general path then decides.
    /// </summary>
    private async Task<SubmitResult?> SubmitChainedAsync(List<(string Name, object? Value)> args, string queued, string orgId, string? key, CancellationToken cancellationToken)
    {
        TaskRow? inserted;
        cancellationToken.ThrowIfCancellationRequested();
        await using (var scope = await BeginSingleStatementWriteAsync(CommitDurability.Required, cancellationToken).ConfigureAwait(false))
        {
            // The unique index decides between submits with one key: a conflicting insert writes nothing, event included.
            // Once sent, the statement commits by itself: a cancellation could only hide a task that was created.
            inserted = await scope.Session.QuerySingleAsync(
                $"WITH t AS ({InsertTask} RETURNING {TaskColumns.List}), " +
                $"e AS (INSERT INTO events (task_id, seq, time, type, data) SELECT id, 1, @now, '{EventTypes.TaskQueued}', @queued FROM t) " +
                $"SELECT {TaskColumns.List} FROM t",
                [.. args, ("lastSeq", 1L), ("queued", queued)],
                TaskColumns.Read,
                CancellationToken.None).ConfigureAwait(false);
            if (inserted is not null)
            {
                scope.SignalWork();
                scope.SignalEvents(inserted.Id);
            }
            await CommitAsync(scope).ConfigureAwait(false);
        }
        if (inserted is not null)
        {
            return new SubmitResult(inserted.Record, Created: true);
        }
        if (key is null)
        {
            return null;
        }
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var earlier = await FindByKeyAsync(new DbSession(connection, null), orgId, key, cancellationToken).ConfigureAwait(false);
        return earlier is null ? null : new SubmitResult(earlier.Record, Created: false);
    }

    public async Task<TaskRecord?> FindAsync(string id, CancellationToken cancellationToken = default)
    {
        if (!TaskId.LooksValid(id))
        {
            return null;
        }
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var row = await new DbSession(connection, null).QuerySingleAsync(
            $"SELECT {TaskColumns.List} FROM tasks WHERE id = @id",
            [("id", id)],
            TaskColumns.Read,
            cancellationToken).ConfigureAwait(false);
        return row?.Record;
    }

    public async Task<TaskRecord?> FindInOrgAsync(string orgId, string id, CancellationToken cancellationToken = default)
    {
        if (!OrgIds.IsValid(orgId) || !TaskId.LooksValid(id))
        {
            return null;
        }
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var row = await new DbSession(connection, null).QuerySingleAsync(
            $"SELECT {TaskColumns.List} FROM tasks WHERE id = @id AND org_id = @org",
            [("id", id), ("org", orgId)],
            TaskColumns.Read,
            cancellationToken).ConfigureAwait(false);
        return row?.Record;
    }

    public async Task<TaskPage> ListAsync(TaskQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Limit is < 1 or > TaskQuery.MaxLimit)
        {
            throw new ValidationException("limit", $"is {query.Limit}; give a number from 1 to {TaskQuery.MaxLimit}");
        }
        var where = new List<string>();
        var args = new List<(string Name, object? Value)> { ("limit", (long)query.Limit + 1) };
        if (query.OrgId is not null)
        {
            if (!OrgIds.IsValid(query.OrgId))
            {
                throw new ValidationException("orgId", "is not an organisation id: lowercase letters, digits and '-'");
            }
            where.Add("org_id = @org");
            args.Add(("org", query.OrgId));
        }
        if (query.Status is { } status)
        {
            where.Add("status = @status");
            args.Add(("status", status.ToWire()));
        }
        if (!string.IsNullOrEmpty(query.Repo))
        {
            Payloads.EnsureText("repo", query.Repo, NewTask.MaxRepoLength);
            where.Add("repo = @repo");
            args.Add(("repo", query.Repo.Trim()));
        }
        if (!string.IsNullOrEmpty(query.Cursor))
        {
            if (!long.TryParse(query.Cursor, NumberStyles.None, CultureInfo.InvariantCulture, out var before) || before <= 0)
            {
                throw new ValidationException("cursor", "is not a cursor from a previous page; leave it out to start from the newest task");
            }
            where.Add("num < @before");
            args.Add(("before", before));
        }

        var sql = new StringBuilder($"SELECT {TaskColumns.List}, num FROM tasks");
        if (where.Count > 0)
        {
            sql.Append(" WHERE ").Append(string.Join(" AND ", where));
        }
        sql.Append(" ORDER BY num DESC LIMIT @limit");

        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var rows = await new DbSession(connection, null).QueryAsync(
            sql.ToString(),
            args,
            r => (Row: TaskColumns.Read(r), Num: r.GetInt64(TaskColumns.NextOrdinal)),
            cancellationToken).ConfigureAwait(false);
        var more = rows.Count > query.Limit;
        var page = more ? rows.GetRange(0, query.Limit) : rows;
        var next = more ? page[^1].Num.ToString(CultureInfo.InvariantCulture) : null;
        return new TaskPage(page.Select(p => p.Row.Record).ToList(), next);
    }

    public async Task<string?> GetCheckpointAsync(string id, CancellationToken cancellationToken = default)
    {
        EnsureLooksLikeId(id);
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var rows = await new DbSession(connection, null).QueryAsync(
            "SELECT checkpoint FROM tasks WHERE id = @id",
            [("id", id)],
            r => r.IsDBNull(0) ? null : r.GetString(0),
            cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? throw new TaskNotFoundException(id) : rows[0];
    }

    public async Task<TaskRecord> CancelAsync(string id, string? reason = null, CancellationToken cancellationToken = default)
    {
        EnsureLooksLikeId(id);
        Payloads.EnsureText("reason", reason, MaxReasonLength);
        var now = Now();
        await using var scope = await BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        var row = await LockAsync(scope, id, cancellationToken).ConfigureAwait(false) ?? throw new TaskNotFoundException(id);
        if (row.Status == TaskState.Running)
        {
            if (row.Record.CancelRequested)
            {
                return row.Record;
            }
            var requested = await UpdateAsync(
                scope, id, now,
                [("cancel_requested", true)],
                [(EventTypes.TaskCancelRequested, Payloads.Write(null, new TaskCancelRequestedPayload(reason)))],
                withCheckpoint: false, cancellationToken).ConfigureAwait(false);
            await CommitAsync(scope).ConfigureAwait(false);
            return requested.Record;
        }

        TaskStateMachine.EnsureCanMove(id, row.Status, TaskState.Cancelled);
        var cancelled = await UpdateAsync(
            scope, id, now,
            [("status", TaskState.Cancelled.ToWire()), ("phase", TaskPhase.None.ToWire()), ("finished_at", TaskColumns.Ms(now)),
             ("last_error", reason ?? "cancelled before it ran")],
            [(EventTypes.TaskCancelled, Payloads.Write(null, new TaskFinishedPayload(Reason: reason)))],
            withCheckpoint: false, cancellationToken).ConfigureAwait(false);
        await CommitAsync(scope).ConfigureAwait(false);
        return cancelled.Record;
    }

    public async Task<TaskRecord> RetryAsync(string id, CancellationToken cancellationToken = default)
    {
        EnsureLooksLikeId(id);
        var now = Now();
        await using var scope = await BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        var row = await LockAsync(scope, id, cancellationToken).ConfigureAwait(false) ?? throw new TaskNotFoundException(id);
        if (row.Status is TaskState.Running or TaskState.AwaitingApproval or TaskState.AwaitingInput or TaskState.Queued)
        {
            // The state machine allows these to become queued for other reasons (a lost lease, an approval); a person's retry is not one.
            throw new InvalidTransitionException(
                id,
                $"task {id} is {row.Status.ToWire()}; only a failed, dead, cancelled, timed-out or needs-review task can be retried");
        }
        TaskStateMachine.EnsureCanMove(id, row.Status, TaskState.Queued);
        var retried = await UpdateAsync(
            scope, id, now,
            [("status", TaskState.Queued.ToWire()), ("phase", TaskPhase.None.ToWire()), ("attempts", 0L),
             ("run_after", TaskColumns.Ms(now)), ("finished_at", null), ("cancel_requested", false), ("last_error", null)],
            [(EventTypes.TaskQueued, Payloads.Write(null, new TaskQueuedPayload(Retry: true, PreviousStatus: row.Status.ToWire())))],
            withCheckpoint: false, cancellationToken).ConfigureAwait(false);
        scope.SignalWork();
        await CommitAsync(scope).ConfigureAwait(false);
        return retried.Record;
    }

    public async Task<TaskRecord> ApproveAsync(string id, string? planJson = null, CancellationToken cancellationToken = default)
    {
        EnsureLooksLikeId(id);
        if (planJson is not null)
        {
            Payloads.EnsureObject("plan", planJson, Options.MaxPlanBytes);
        }
        var now = Now();
        await using var scope = await BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        var row = await LockAsync(scope, id, cancellationToken).ConfigureAwait(false) ?? throw new TaskNotFoundException(id);
        EnsureAwaitingApproval(row, "approved");
        TaskStateMachine.EnsureCanMove(id, row.Status, TaskState.Queued);
        var changes = new List<(string Column, object? Value)>
        {
            ("status", TaskState.Queued.ToWire()), ("phase", TaskPhase.None.ToWire()), ("attempts", 0L), ("run_after", TaskColumns.Ms(now)),
        };
        if (planJson is not null)
        {
            changes.Add(("plan", planJson));
            if (PlanTitle.From(row.Record, planJson) is { } title)
            {
                changes.Add(("title", title));
            }
        }
        var approved = await UpdateAsync(
            scope, id, now, changes,
            [(EventTypes.PlanApproved, Payloads.Write(null, new PlanApprovedPayload(planJson is not null)))],
            withCheckpoint: false, cancellationToken).ConfigureAwait(false);
        scope.SignalWork();
        await CommitAsync(scope).ConfigureAwait(false);
        return approved.Record;
    }

    public async Task<TaskRecord> RejectAsync(string id, string? reason = null, CancellationToken cancellationToken = default)
    {
        EnsureLooksLikeId(id);
        Payloads.EnsureText("reason", reason, MaxReasonLength);
        var now = Now();
        await using var scope = await BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        var row = await LockAsync(scope, id, cancellationToken).ConfigureAwait(false) ?? throw new TaskNotFoundException(id);
        EnsureAwaitingApproval(row, "rejected");
        TaskStateMachine.EnsureCanMove(id, row.Status, TaskState.Cancelled);
        var why = string.IsNullOrWhiteSpace(reason) ? "the plan was rejected" : $"the plan was rejected: {reason}";
        var rejected = await UpdateAsync(
            scope, id, now,
            [("status", TaskState.Cancelled.ToWire()), ("phase", TaskPhase.None.ToWire()), ("finished_at", TaskColumns.Ms(now)), ("last_error", why)],
            [
                (EventTypes.PlanRejected, Payloads.Write(null, new PlanRejectedPayload(reason))),
                (EventTypes.TaskCancelled, Payloads.Write(null, new TaskFinishedPayload(Reason: why))),
            ],
            withCheckpoint: false, cancellationToken).ConfigureAwait(false);
        await CommitAsync(scope).ConfigureAwait(false);
        return rejected.Record;
    }

    private static void EnsureLooksLikeId(string id)
    {
        if (!TaskId.LooksValid(id))
        {
            throw new TaskNotFoundException(id ?? "");
        }
    }

    private static void EnsureAwaitingApproval(TaskRow row, string verb)
    {
        if (row.Status != TaskState.AwaitingApproval)
        {
            throw new InvalidTransitionException(
                row.Id,
                $"task {row.Id} is {row.Status.ToWire()}; only a task whose plan awaits approval can be {verb}");
        }
    }

    public async Task<IReadOnlyList<TaskRecord>> FindByOriginAsync(string originKey, int limit = 20, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(originKey);
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var rows = await new DbSession(connection, null).QueryAsync(
            $"SELECT {TaskColumns.List} FROM tasks WHERE origin_key = @key ORDER BY created_at DESC, id DESC LIMIT @limit",
            [("key", originKey.ToLowerInvariant()), ("limit", (long)Math.Clamp(limit, 1, 200))],
            TaskColumns.Read,
            cancellationToken).ConfigureAwait(false);
        return [.. rows.Select(r => r.Record)];
    }

    public async Task<IReadOnlyList<TaskRecord>> FindByPullRequestAsync(string? reference, string? branch, int limit = 20, CancellationToken cancellationToken = default)
    {
        reference = string.IsNullOrEmpty(reference) || reference.Length > NewTask.MaxRepoLength ? null : reference;
        branch = string.IsNullOrEmpty(branch) || branch.Length > NewTask.MaxBranchLength ? null : branch;
        if (reference is null && branch is null)
        {
            return [];
        }
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        // A missing one is matched against a value no row holds, so one statement serves both.
        var rows = await new DbSession(connection, null).QueryAsync(
            $"SELECT {TaskColumns.List} FROM tasks WHERE id IN (SELECT task_id FROM pull_requests WHERE reference = @reference OR branch = @branch) ORDER BY created_at DESC, id DESC LIMIT @limit",
            [("reference", reference ?? "\u0001none"), ("branch", branch ?? "\u0001none"), ("limit", (long)Math.Clamp(limit, 1, 200))],
            TaskColumns.Read,
            cancellationToken).ConfigureAwait(false);
        return [.. rows.Select(r => r.Record)];
    }

    /// <summary>The task an idempotency key names within one organisation: another organisation's key never matches.</summary>
    private static Task<TaskRow?> FindByKeyAsync(DbSession session, string orgId, string key, CancellationToken cancellationToken) =>
        session.QuerySingleAsync(
            $"SELECT {TaskColumns.List} FROM tasks WHERE org_id = @org AND idempotency_key = @key",
            [("org", orgId), ("key", key)],
            TaskColumns.Read,
            cancellationToken);
}
