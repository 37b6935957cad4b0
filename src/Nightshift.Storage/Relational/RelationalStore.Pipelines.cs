using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Nightshift.Core.Errors;
using Nightshift.Core.Events;
using Nightshift.Core.Events.Payloads;
using Nightshift.Core.Pipelines;
using Nightshift.Core.Serialization;
using Nightshift.Core.Tasks;
using Nightshift.Core.Teams;
using Nightshift.Storage.Pipelines;

namespace Nightshift.Storage.Relational;

// Pipelines, runs, steps and run events (IPipelineStore). A run is due for a coordinator when due_at has passed and
// its lease is free or expired; a claim pushes due_at to the lease's expiry, so a coordinator that dies leaves the run
// due again once its lease runs out. A wake during a lease sets woken, which the release honours.
internal abstract partial class RelationalStore
{
    /// <summary>Longest reason kept for a run or a step; a longer one is cut with a marker.</summary>
    internal const int MaxRunReasonChars = 2_000;

    internal const int MaxRunEventBytes = 64 * 1024;

    internal const int MaxRunInputChars = PipelineInput.MaxValueLength;

    internal const int MaxRunEventsPage = 1_000;

    internal const int MaxRunsPage = 500;

    private const int MaxPipelineNameChars = 64;

    private const int MaxPersonChars = 200;

    private const int MaxScheduleChars = 200;

    private const int MaxDueSchedules = 100;

    private const string UnfinishedRunStates = "'queued', 'running', 'awaiting_approval'";

    public async Task<(PipelineRecord Record, bool Created)> SavePipelineAsync(PipelineRecord pipeline, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        EnsureOrg(pipeline.OrgId);
        EnsurePipelineName("name", pipeline.Name);
        EnsureYaml(pipeline.Yaml, required: true);
        EnsureShortText("schedule", pipeline.Schedule, MaxScheduleChars);
        EnsureShortText("timeZone", pipeline.TimeZone, MaxScheduleChars);
        EnsureShortText("createdBy", pipeline.CreatedBy, MaxPersonChars);
        // A new pipeline's id is chosen here; the caller's is ignored, so a returned id equal to this one means "created".
        var id = TaskId.New(Time);
        var now = Now();
        await using var scope = await BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        // One statement decides between a new name and a replacement (the unique (org_id, name) index); a replacement
        // keeps its id, creator and creation time. Its next scheduled time is kept only while the schedule is unchanged
        // and the caller gave none: a changed schedule is computed anew by the scheduler.
        var stored = await scope.Session.QuerySingleAsync(
            $"""
            INSERT INTO pipelines ({PipelineColumns.Pipeline})
            VALUES (@id, @org, @name, @yaml, @schedule, @zone, @next, @by, @now, @now)
            ON CONFLICT (org_id, name) DO UPDATE SET
                yaml = excluded.yaml,
                schedule = excluded.schedule,
                time_zone = excluded.time_zone,
                next_run_at = CASE
                    WHEN excluded.schedule IS NULL THEN NULL
                    WHEN excluded.next_run_at IS NOT NULL THEN excluded.next_run_at
                    WHEN COALESCE(pipelines.schedule, '') = excluded.schedule AND COALESCE(pipelines.time_zone, '') = COALESCE(excluded.time_zone, '') THEN pipelines.next_run_at
                    ELSE NULL END,
                updated_at = excluded.updated_at
            RETURNING {PipelineColumns.Pipeline}
            """,
            [
                ("id", id), ("org", pipeline.OrgId), ("name", pipeline.Name), ("yaml", pipeline.Yaml), ("schedule", pipeline.Schedule),
                ("zone", pipeline.TimeZone), ("next", pipeline.Schedule is null ? null : PipelineColumns.Ms(pipeline.NextRunAt)),
                ("by", pipeline.CreatedBy), ("now", TaskColumns.Ms(now)),
            ],
            PipelineColumns.ReadPipeline,
            cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"pipeline {pipeline.Name} was saved and not returned");
        await CommitAsync(scope).ConfigureAwait(false);
        return (stored, string.Equals(stored.Id, id, StringComparison.Ordinal));
    }

    public async Task<PipelineRecord?> FindPipelineAsync(string orgId, string name, CancellationToken cancellationToken = default)
    {
        if (!OrgIds.IsValid(orgId) || !IsPipelineName(name))
        {
            return null;
        }
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await new DbSession(connection, null).QuerySingleAsync(
            $"SELECT {PipelineColumns.Pipeline} FROM pipelines WHERE org_id = @org AND name = @name",
            [("org", orgId), ("name", name)],
            PipelineColumns.ReadPipeline,
            cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<PipelineRecord>> ListPipelinesAsync(string orgId, CancellationToken cancellationToken = default)
    {
        if (!OrgIds.IsValid(orgId))
        {
            return [];
        }
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await new DbSession(connection, null).QueryAsync(
            $"SELECT {PipelineColumns.Pipeline} FROM pipelines WHERE org_id = @org ORDER BY name",
            [("org", orgId)],
            PipelineColumns.ReadPipeline,
            cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> DeletePipelineAsync(string orgId, string name, CancellationToken cancellationToken = default)
    {
        if (!OrgIds.IsValid(orgId) || !IsPipelineName(name))
        {
            return false;
        }
        await using var scope = await BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        var deleted = await scope.Session.ExecuteAsync(
            "DELETE FROM pipelines WHERE org_id = @org AND name = @name",
            [("org", orgId), ("name", name)],
            cancellationToken).ConfigureAwait(false);
        await CommitAsync(scope).ConfigureAwait(false);
        return deleted > 0;
    }

    public async Task<(RunRecord Run, bool Created)> CreateRunAsync(NewRun run, IReadOnlyList<string> stepNames, CancellationToken cancellationToken = default)
    {
        ValidateNewRun(run, stepNames);
        await using var scope = await BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        var created = await CreateRunInScopeAsync(scope, run, stepNames, Now(), cancellationToken).ConfigureAwait(false);
        await CommitAsync(scope).ConfigureAwait(false);
        return created;
    }

    public async Task<RunRecord?> FindRunAsync(string orgId, string runId, CancellationToken cancellationToken = default)
    {
        if (!OrgIds.IsValid(orgId) || !TaskId.LooksValid(runId))
        {
            return null;
        }
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await new DbSession(connection, null).QuerySingleAsync(
            $"SELECT {PipelineColumns.Run} FROM pipeline_runs WHERE id = @id AND org_id = @org",
            [("id", runId), ("org", orgId)],
            PipelineColumns.ReadRun,
            cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<RunRecord>> ListRunsAsync(string orgId, string? pipeline, RunState? state, int limit, CancellationToken cancellationToken = default)
    {
        if (limit is < 1 or > MaxRunsPage)
        {
            throw new ValidationException("limit", $"is {limit}; give a number from 1 to {MaxRunsPage}");
        }
        if (state is { } wanted && !Enum.IsDefined(wanted))
        {
            throw new ValidationException("state", $"{(int)wanted} is not a run state");
        }
        if (!OrgIds.IsValid(orgId) || (pipeline is not null && !IsPipelineName(pipeline)))
        {
            return [];
        }
        var sql = new StringBuilder($"SELECT {PipelineColumns.Run} FROM pipeline_runs WHERE org_id = @org");
        var args = new List<(string Name, object? Value)> { ("org", orgId), ("limit", (long)limit) };
        if (pipeline is not null)
        {
            sql.Append(" AND pipeline = @pipeline");
            args.Add(("pipeline", pipeline));
        }
        if (state is { } only)
        {
            sql.Append(" AND state = @state");
            args.Add(("state", only.ToWire()));
        }
        sql.Append(" ORDER BY created_at DESC, id DESC LIMIT @limit");
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await new DbSession(connection, null).QueryAsync(sql.ToString(), args, PipelineColumns.ReadRun, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<RunStepRecord>> ListStepsAsync(string runId, CancellationToken cancellationToken = default)
    {
        if (!TaskId.LooksValid(runId))
        {
            return [];
        }
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await new DbSession(connection, null).QueryAsync(
            $"SELECT {PipelineColumns.Step} FROM pipeline_steps WHERE run_id = @run ORDER BY ordinal, name",
            [("run", runId)],
            PipelineColumns.ReadStep,
            cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<RunEvent>> ReadRunEventsAsync(string runId, long afterSeq, int limit, CancellationToken cancellationToken = default)
    {
        if (limit is < 1 or > MaxRunEventsPage)
        {
            throw new ValidationException("limit", $"is {limit}; give a number from 1 to {MaxRunEventsPage}");
        }
        if (afterSeq < 0)
        {
            throw new ValidationException("after", "cannot be negative; give 0 for the run's first event, then the last sequence number read");
        }
        if (!TaskId.LooksValid(runId))
        {
            return [];
        }
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await new DbSession(connection, null).QueryAsync(
            $"SELECT {PipelineColumns.Event} FROM run_events WHERE run_id = @run AND seq > @after ORDER BY seq LIMIT @limit",
            [("run", runId), ("after", afterSeq), ("limit", (long)limit)],
            PipelineColumns.ReadEvent,
            cancellationToken).ConfigureAwait(false);
    }

    public async Task<StepDecisionResult> DecideStepAsync(string orgId, string runId, string step, bool approve, string by, string? reason, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(by))
        {
            throw new ValidationException("by", "is missing; name the person who decided");
        }
        by = ClipRunText(by.Trim(), MaxPersonChars);
        reason = string.IsNullOrWhiteSpace(reason) ? null : ClipRunText(reason.Trim(), MaxRunReasonChars);
        if (!OrgIds.IsValid(orgId) || !TaskId.LooksValid(runId) || !IsStepName(step))
        {
            return StepDecisionResult.NotFound;
        }
        var now = Now();
        await using var scope = await BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        // The run's row is locked first, as ApplyAsync locks it: the decision and a coordinator's change take turns.
        var run = await scope.Session.ScalarAsync(
            $"SELECT id FROM pipeline_runs WHERE id = @id AND org_id = @org{LockRowClause}",
            [("id", runId), ("org", orgId)],
            cancellationToken).ConfigureAwait(false);
        if (run is null)
        {
            return StepDecisionResult.NotFound;
        }
        var exists = await scope.Session.ScalarAsync(
            "SELECT state FROM pipeline_steps WHERE run_id = @id AND name = @step",
            [("id", runId), ("step", step)],
            cancellationToken).ConfigureAwait(false);
        if (exists is null)
        {
            return StepDecisionResult.NotFound;
        }
        var changed = await scope.Session.ExecuteAsync(
            approve
                ? "UPDATE pipeline_steps SET state = @pending, decided_by = @by, decided_at = @now, reason = NULL WHERE run_id = @id AND name = @step AND state = @waiting"
                : "UPDATE pipeline_steps SET state = @skipped, decided_by = @by, decided_at = @now, finished_at = @now, reason = @why WHERE run_id = @id AND name = @step AND state = @waiting",
            [
                ("id", runId), ("step", step), ("by", by), ("now", TaskColumns.Ms(now)), ("waiting", StepState.AwaitingApproval.ToWire()),
                ("pending", StepState.Pending.ToWire()), ("skipped", StepState.Skipped.ToWire()),
                ("why", ClipRunText(reason is null ? $"rejected by {by}" : $"rejected by {by}: {reason}", MaxRunReasonChars)),
            ],
            cancellationToken).ConfigureAwait(false);
        if (changed == 0)
        {
            return StepDecisionResult.NotWaiting;
        }
        var data = NightshiftJson.Payload(new StepDecisionPayload(step, by, approve ? null : reason));
        var last = await AdvanceRunAsync(scope, runId, now, [], 1, wake: true, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"run {runId} vanished while locked");
        await InsertRunEventsAsync(scope, runId, last, [(approve ? EventTypes.StepApproved : EventTypes.StepRejected, data)], now, cancellationToken).ConfigureAwait(false);
        await CommitAsync(scope).ConfigureAwait(false);
        return StepDecisionResult.Decided;
    }

    public async Task<bool> RequestCancelRunAsync(string orgId, string runId, CancellationToken cancellationToken = default)
    {
        if (!OrgIds.IsValid(orgId) || !TaskId.LooksValid(runId))
        {
            return false;
        }
        var now = TaskColumns.Ms(Now());
        await using var scope = await BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        var changed = await scope.Session.ExecuteAsync(
            $"""
            UPDATE pipeline_runs SET cancel_requested = @yes, updated_at = @now, woken = @yes,
                due_at = CASE WHEN due_at IS NOT NULL AND due_at < @now THEN due_at ELSE @now END
            WHERE id = @id AND org_id = @org AND state IN ({UnfinishedRunStates})
            """,
            [("id", runId), ("org", orgId), ("now", now), ("yes", true)],
            cancellationToken).ConfigureAwait(false);
        await CommitAsync(scope).ConfigureAwait(false);
        return changed > 0;
    }

    public async Task<IReadOnlyList<RunLease>> ClaimRunsAsync(string owner, TimeSpan leaseFor, int max, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(owner) || owner.Length > MaxPersonChars)
        {
            throw new ValidationException("owner", $"must name the coordinator (host and process) in at most {MaxPersonChars} characters");
        }
        if (leaseFor <= TimeSpan.Zero || leaseFor > TimeSpan.FromDays(1))
        {
            throw new ValidationException("leaseFor", $"is {leaseFor}; give a lease longer than zero and at most a day (Pipelines:LeaseDuration)");
        }
        if (max is < 1 or > MaxRunsPage)
        {
            throw new ValidationException("max", $"is {max}; claim from 1 to {MaxRunsPage} runs at a time (Pipelines:MaxRunsPerClaim)");
        }
        var now = Now();
        var expires = now + leaseFor;
        await using var scope = await BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        // SKIP LOCKED on PostgreSQL: two coordinators claiming at once pass over each other's candidates; SQLite's
        // writes are serialised, so the second sees the first's leases.
        var ids = await scope.Session.QueryAsync(
            $"""
            SELECT id FROM pipeline_runs
            WHERE state IN ({UnfinishedRunStates}) AND due_at <= @now AND (lease_expires_at IS NULL OR lease_expires_at <= @now)
            ORDER BY due_at, id LIMIT @max{SkipLockedClause}
            """,
            [("now", TaskColumns.Ms(now)), ("max", (long)max)],
            r => r.GetString(0),
            cancellationToken).ConfigureAwait(false);
        var leases = new List<RunLease>(ids.Count);
        foreach (var id in ids)
        {
            var token = NewLeaseToken();
            // Due again when the lease runs out, so a coordinator that dies holding it delays the run by one lease only.
            var claimed = await scope.Session.QuerySingleAsync(
                $"""
                UPDATE pipeline_runs SET lease_token = @token, lease_owner = @owner, lease_expires_at = @expires, due_at = @expires, woken = @no
                WHERE id = @id
                RETURNING {PipelineColumns.Run}
                """,
                [("id", id), ("token", token), ("owner", owner), ("expires", TaskColumns.Ms(expires)), ("no", false)],
                PipelineColumns.ReadRun,
                cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"run {id} vanished while being claimed");
            leases.Add(new RunLease(id, token, owner, expires, claimed));
        }
        await CommitAsync(scope).ConfigureAwait(false);
        return leases;
    }

    public async Task ReleaseRunAsync(RunLease lease, DateTimeOffset checkAgainAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        if (!TaskId.LooksValid(lease.RunId))
        {
            return;
        }
        await using var scope = await BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        // A wake that came while the lease was held set due_at to its time and woken: that earlier time stands.
        // A lease that was lost releases nothing: the run belongs to whoever holds it now.
        await scope.Session.ExecuteAsync(
            """
            UPDATE pipeline_runs SET lease_token = NULL, lease_owner = NULL, lease_expires_at = NULL, woken = @no,
                due_at = CASE WHEN woken AND due_at IS NOT NULL AND due_at < @check THEN due_at ELSE @check END
            WHERE id = @id AND lease_token = @token
            """,
            [("id", lease.RunId), ("token", lease.Token), ("check", TaskColumns.Ms(checkAgainAt)), ("no", false)],
            cancellationToken).ConfigureAwait(false);
        await CommitAsync(scope).ConfigureAwait(false);
    }

    public async Task WakeRunAsync(string runId, CancellationToken cancellationToken = default)
    {
        if (!TaskId.LooksValid(runId))
        {
            return;
        }
        await using var scope = await BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        await WakeRunInScopeAsync(scope, runId, null, Now(), cancellationToken).ConfigureAwait(false);
        await CommitAsync(scope).ConfigureAwait(false);
    }

    public async Task WakeRunOfTaskAsync(string taskId, CancellationToken cancellationToken = default)
    {
        if (!TaskId.LooksValid(taskId))
        {
            return;
        }
        await using var scope = await BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        var runStep = await scope.Session.ScalarAsync("SELECT run_step FROM tasks WHERE id = @id", [("id", taskId)], cancellationToken).ConfigureAwait(false);
        var runId = runStep is string json ? JsonSerializer.Deserialize<RunStepTask>(json, NightshiftJson.Options)?.RunId : null;
        await WakeRunInScopeAsync(scope, runId, taskId, Now(), cancellationToken).ConfigureAwait(false);
        await CommitAsync(scope).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<RunEvent>> ApplyAsync(RunLease lease, RunChange change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        ArgumentNullException.ThrowIfNull(change);
        var steps = change.Steps.Select(BoundStep).ToList();
        var events = change.Events.Select(BoundEvent).ToList();
        if (change.State is { } state && !Enum.IsDefined(state))
        {
            throw new ArgumentException($"{(int)state} is not a run state", nameof(change));
        }
        EnsureArgumentText("pullRequest", change.PullRequest, NewTask.MaxRepoLength);
        if (change.Yaml is not null && Encoding.UTF8.GetByteCount(change.Yaml) > PipelineYaml.MaxBytes)
        {
            throw new ArgumentException($"the run's YAML is {Encoding.UTF8.GetByteCount(change.Yaml)} bytes; at most {PipelineYaml.MaxBytes} are kept", nameof(change));
        }
        var columns = new List<(string Column, object? Value)>();
        if (change.State is { } newState)
        {
            columns.Add(("state", newState.ToWire()));
        }
        if (change.Reason is not null)
        {
            columns.Add(("reason", ClipRunText(change.Reason, MaxRunReasonChars)));
        }
        if (change.PullRequest is not null)
        {
            columns.Add(("pull_request", change.PullRequest));
        }
        if (change.Yaml is not null)
        {
            columns.Add(("yaml", change.Yaml));
        }
        if (change.StartedAt is { } started)
        {
            columns.Add(("started_at", TaskColumns.Ms(started)));
        }
        if (change.FinishedAt is { } finished)
        {
            columns.Add(("finished_at", TaskColumns.Ms(finished)));
        }

        var now = Now();
        await using var scope = await BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        // The fence and the event numbers in one UPDATE: it locks the row, so appends by the holder stay gap-free.
        var last = await AdvanceRunAsync(scope, lease.RunId, now, columns, events.Count, wake: false, cancellationToken, lease.Token).ConfigureAwait(false);
        if (last is null)
        {
            throw await RunLeaseLostAsync(scope, lease, now, cancellationToken).ConfigureAwait(false);
        }
        if (steps.Count > 0)
        {
            var ordinal = Convert.ToInt64(
                await scope.Session.ScalarAsync("SELECT COALESCE(MAX(ordinal), 0) FROM pipeline_steps WHERE run_id = @run", [("run", lease.RunId)], cancellationToken).ConfigureAwait(false),
                CultureInfo.InvariantCulture);
            foreach (var step in steps)
            {
                await UpsertStepAsync(scope, lease.RunId, step, ++ordinal, cancellationToken).ConfigureAwait(false);
            }
        }
        var stored = await InsertRunEventsAsync(scope, lease.RunId, last.Value, events, now, cancellationToken).ConfigureAwait(false);
        await CommitAsync(scope).ConfigureAwait(false);
        return stored;
    }

    public async Task<IReadOnlyList<PipelineRecord>> DueSchedulesAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await new DbSession(connection, null).QueryAsync(
            $"""
            SELECT {PipelineColumns.Pipeline} FROM pipelines
            WHERE schedule IS NOT NULL AND (next_run_at IS NULL OR next_run_at <= @now)
            ORDER BY next_run_at, id LIMIT {MaxDueSchedules}
            """,
            [("now", TaskColumns.Ms(now))],
            PipelineColumns.ReadPipeline,
            cancellationToken).ConfigureAwait(false);
    }

    public async Task<RunRecord?> StartScheduledRunAsync(string pipelineId, DateTimeOffset due, DateTimeOffset? next, NewRun run, IReadOnlyList<string> stepNames, CancellationToken cancellationToken = default)
    {
        ValidateNewRun(run, stepNames);
        if (!TaskId.LooksValid(pipelineId))
        {
            return null;
        }
        await using var scope = await BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        // Compare-and-set on the due time: of the servers that saw this tick, one moves it and starts the run.
        var moved = await scope.Session.ExecuteAsync(
            "UPDATE pipelines SET next_run_at = @next WHERE id = @id AND schedule IS NOT NULL AND next_run_at = @due",
            [("id", pipelineId), ("due", TaskColumns.Ms(due)), ("next", PipelineColumns.Ms(next))],
            cancellationToken).ConfigureAwait(false);
        if (moved == 0)
        {
            return null;
        }
        var (created, isNew) = await CreateRunInScopeAsync(scope, run, stepNames, Now(), cancellationToken).ConfigureAwait(false);
        await CommitAsync(scope).ConfigureAwait(false);
        return isNew ? created : null;
    }

    public async Task SetNextRunAsync(string pipelineId, DateTimeOffset? due, DateTimeOffset? next, CancellationToken cancellationToken = default)
    {
        if (!TaskId.LooksValid(pipelineId))
        {
            return;
        }
        await using var scope = await BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        // Only from the time the caller saw: a server that moved it meanwhile (or a new schedule) wins.
        await scope.Session.ExecuteAsync(
            due is null
                ? "UPDATE pipelines SET next_run_at = @next WHERE id = @id AND schedule IS NOT NULL AND next_run_at IS NULL"
                : "UPDATE pipelines SET next_run_at = @next WHERE id = @id AND schedule IS NOT NULL AND next_run_at = @due",
            due is null
                ? [("id", pipelineId), ("next", PipelineColumns.Ms(next))]
                : [("id", pipelineId), ("due", TaskColumns.Ms(due.Value)), ("next", PipelineColumns.Ms(next))],
            cancellationToken).ConfigureAwait(false);
        await CommitAsync(scope).ConfigureAwait(false);
    }

    /// <summary>Makes the run due now in the caller's transaction, when it has not ended; by id, by a step's task, or both.</summary>
    private static Task WakeRunInScopeAsync(WriteScope scope, string? runId, string? taskId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (runId is null && taskId is null)
        {
            return Task.CompletedTask;
        }
        var where = (runId, taskId) switch
        {
            (not null, null) => "id = @run",
            (null, not null) => "id IN (SELECT run_id FROM pipeline_steps WHERE task_id = @task)",
            _ => "(id = @run OR id IN (SELECT run_id FROM pipeline_steps WHERE task_id = @task))",
        };
        var args = new List<(string Name, object? Value)> { ("now", TaskColumns.Ms(now)), ("yes", true) };
        if (runId is not null)
        {
            args.Add(("run", runId));
        }
        if (taskId is not null)
        {
            args.Add(("task", taskId));
        }
        return scope.Session.ExecuteAsync(
            $"""
            UPDATE pipeline_runs SET woken = @yes, due_at = CASE WHEN due_at IS NOT NULL AND due_at < @now THEN due_at ELSE @now END
            WHERE {where} AND state IN ({UnfinishedRunStates})
            """,
            args,
            cancellationToken);
    }

    /// <summary>Wakes the run of a task that just reached a final state, in the transaction that ended it.</summary>
    private static async Task WakeRunOfFinishedTaskAsync(WriteScope scope, TaskRow row, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (row.Record.RunStep is { } step && row.Status.IsTerminal())
        {
            await WakeRunInScopeAsync(scope, step.RunId, null, now, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<(RunRecord Run, bool Created)> CreateRunInScopeAsync(WriteScope scope, NewRun run, IReadOnlyList<string> stepNames, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var key = string.IsNullOrEmpty(run.IdempotencyKey) ? null : run.IdempotencyKey;
        if (key is not null && await FindRunByKeyAsync(scope.Session, run.OrgId, key, cancellationToken).ConfigureAwait(false) is { } earlier)
        {
            return (earlier, false);
        }
        var id = TaskId.New(Time);
        // The short form is the id's random tail: two runs started in the same second still get different branches.
        var branch = $"nightshift/run-{TaskId.Short(id)}";
        var ms = TaskColumns.Ms(now);
        var inserted = await scope.Session.QuerySingleAsync(
            $"""
            INSERT INTO pipeline_runs (id, org_id, pipeline, pipeline_id, yaml, repo, base_branch, branch, inputs, state, trigger,
                created_by, cancel_requested, idempotency_key, created_at, updated_at, due_at, woken, last_seq)
            VALUES (@id, @org, @pipeline, @pipelineId, @yaml, @repo, @base, @branch, @inputs, @state, @trigger,
                @by, @no, @key, @now, @now, @now, @no, 0)
            ON CONFLICT (org_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
            RETURNING {PipelineColumns.Run}
            """,
            [
                ("id", id), ("org", run.OrgId), ("pipeline", run.Pipeline), ("pipelineId", run.PipelineId), ("yaml", run.Yaml),
                ("repo", run.Repo.Trim()), ("base", run.BaseBranch), ("branch", branch),
                ("inputs", JsonSerializer.Serialize(run.Inputs, NightshiftJson.Options)), ("state", RunState.Queued.ToWire()),
                ("trigger", run.Trigger), ("by", run.CreatedBy), ("no", false), ("key", key), ("now", ms),
            ],
            PipelineColumns.ReadRun,
            cancellationToken).ConfigureAwait(false);
        if (inserted is null)
        {
            // Another writer with the same key got there first (PostgreSQL); its run is the answer.
            var winner = await FindRunByKeyAsync(scope.Session, run.OrgId, key!, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException("a run with this idempotency key was being written and then vanished");
            return (winner, false);
        }
        for (var i = 0; i < stepNames.Count; i++)
        {
            await scope.Session.ExecuteAsync(
                "INSERT INTO pipeline_steps (run_id, name, ordinal, state) VALUES (@run, @name, @ordinal, @state)",
                [("run", id), ("name", stepNames[i]), ("ordinal", (long)i + 1), ("state", StepState.Pending.ToWire())],
                cancellationToken).ConfigureAwait(false);
        }
        return (inserted, true);
    }

    private static Task<RunRecord?> FindRunByKeyAsync(DbSession session, string orgId, string key, CancellationToken cancellationToken) =>
        session.QuerySingleAsync(
            $"SELECT {PipelineColumns.Run} FROM pipeline_runs WHERE org_id = @org AND idempotency_key = @key",
            [("org", orgId), ("key", key)],
            PipelineColumns.ReadRun,
            cancellationToken);

    /// <summary>
    /// Changes the run's columns and reserves <paramref name="events"/> sequence numbers in one UPDATE (which locks the
    /// row); with <paramref name="leaseToken"/>, only while that lease holds. Returns the run's last sequence number
    /// after the change, or null when the run is not there (or the lease does not hold).
    /// </summary>
    private static async Task<long?> AdvanceRunAsync(
        WriteScope scope,
        string runId,
        DateTimeOffset now,
        IReadOnlyList<(string Column, object? Value)> columns,
        int events,
        bool wake,
        CancellationToken cancellationToken,
        string? leaseToken = null)
    {
        var sql = new StringBuilder("UPDATE pipeline_runs SET ");
        var args = new List<(string Name, object? Value)> { ("id", runId), ("now", TaskColumns.Ms(now)), ("events", (long)events) };
        SetClause.Append(sql, args, columns, "c");
        if (wake)
        {
            sql.Append("woken = @yes, due_at = CASE WHEN due_at IS NOT NULL AND due_at < @now THEN due_at ELSE @now END, ");
            args.Add(("yes", true));
        }
        sql.Append("updated_at = @now, last_seq = last_seq + @events WHERE id = @id");
        if (leaseToken is not null)
        {
            sql.Append(" AND lease_token = @token AND lease_expires_at > @now");
            args.Add(("token", leaseToken));
        }
        sql.Append(" RETURNING last_seq");
        var rows = await scope.Session.QueryAsync(sql.ToString(), args, r => r.GetInt64(0), cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    /// <summary>Appends events numbered up to <paramref name="last"/>, which the caller reserved for them under the run's lock.</summary>
    private static async Task<IReadOnlyList<RunEvent>> InsertRunEventsAsync(
        WriteScope scope, string runId, long last, IReadOnlyList<(string Type, string Data)> events, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var stored = new List<RunEvent>(events.Count);
        for (var i = 0; i < events.Count; i++)
        {
            var seq = last - events.Count + 1 + i;
            await scope.Session.ExecuteAsync(
                "INSERT INTO run_events (run_id, seq, type, data, created_at) VALUES (@run, @seq, @type, @data, @now)",
                [("run", runId), ("seq", seq), ("type", events[i].Type), ("data", events[i].Data), ("now", TaskColumns.Ms(now))],
                cancellationToken).ConfigureAwait(false);
            stored.Add(new RunEvent(runId, seq, events[i].Type, events[i].Data, now));
        }
        return stored;
    }

    private static Task UpsertStepAsync(WriteScope scope, string runId, RunStepRecord step, long ordinal, CancellationToken cancellationToken) =>
        scope.Session.ExecuteAsync(
            """
            INSERT INTO pipeline_steps (run_id, name, ordinal, state, task_id, output, reason, decided_by, decided_at, started_at, finished_at)
            VALUES (@run, @name, @ordinal, @state, @task, @output, @reason, @by, @decided, @started, @finished)
            ON CONFLICT (run_id, name) DO UPDATE SET
                state = excluded.state, task_id = excluded.task_id, output = excluded.output, reason = excluded.reason,
                decided_by = excluded.decided_by, decided_at = excluded.decided_at, started_at = excluded.started_at,
                finished_at = excluded.finished_at
            """,
            [
                ("run", runId), ("name", step.Name), ("ordinal", ordinal), ("state", step.State.ToWire()), ("task", step.TaskId),
                ("output", step.Output), ("reason", step.Reason), ("by", step.DecidedBy), ("decided", PipelineColumns.Ms(step.DecidedAt)),
                ("started", PipelineColumns.Ms(step.StartedAt)), ("finished", PipelineColumns.Ms(step.FinishedAt)),
            ],
            cancellationToken);

    /// <summary>Why a fenced write was refused, for the coordinator's log; the write's transaction is left to be undone.</summary>
    private static async Task<LeaseLostException> RunLeaseLostAsync(WriteScope scope, RunLease lease, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var rows = await scope.Session.QueryAsync(
            $"SELECT {PipelineColumns.RunWithLease} FROM pipeline_runs WHERE id = @id",
            [("id", lease.RunId)],
            PipelineColumns.ReadRunWithLease,
            cancellationToken).ConfigureAwait(false);
        var detail = rows.Count == 0
            ? $"run {lease.RunId} does not exist"
            : !string.Equals(rows[0].Token, lease.Token, StringComparison.Ordinal)
                ? $"run {lease.RunId} is held by {rows[0].Run.LeaseOwner ?? "no coordinator"} now"
                : $"the lease on run {lease.RunId} expired at {rows[0].ExpiresAt:O} (now {now:O})";
        return new LeaseLostException(lease.RunId, $"{detail}; the coordinator changed nothing and must claim the run again");
    }

    /// <summary>A step row as it is kept: output checked (the coordinator clips it first), reason cut.</summary>
    private static RunStepRecord BoundStep(RunStepRecord step)
    {
        ArgumentNullException.ThrowIfNull(step);
        if (!IsStepName(step.Name))
        {
            throw new ArgumentException($"step name '{ClipRunText(step.Name ?? "", 80)}' is not a step's name (at most {MaxPipelineNameChars} printable characters)", nameof(step));
        }
        if (!Enum.IsDefined(step.State))
        {
            throw new ArgumentException($"{(int)step.State} is not a step state", nameof(step));
        }
        if (step.TaskId is not null && !TaskId.LooksValid(step.TaskId))
        {
            throw new ArgumentException($"step {step.Name}'s task id '{ClipRunText(step.TaskId, 80)}' is not a task id", nameof(step));
        }
        if (step.Output is not null)
        {
            var bytes = Encoding.UTF8.GetByteCount(step.Output);
            if (bytes > RunStepRecord.MaxOutputBytes)
            {
                throw new ArgumentException($"step {step.Name}'s output is {bytes} bytes; at most {RunStepRecord.MaxOutputBytes} are kept — clip it first", nameof(step));
            }
            if (!NightshiftJson.IsObject(step.Output))
            {
                throw new ArgumentException($"step {step.Name}'s output must be a JSON object", nameof(step));
            }
        }
        EnsureArgumentText("decidedBy", step.DecidedBy, MaxPersonChars);
        return step with { Reason = step.Reason is null ? null : ClipRunText(step.Reason, MaxRunReasonChars) };
    }

    private static (string Type, string Data) BoundEvent((string Type, string DataJson) item)
    {
        if (!EventTypes.IsWellFormed(item.Type))
        {
            throw new ArgumentException($"run event type '{ClipRunText(item.Type ?? "", 80)}' must be written noun.verb in lowercase (run.started, step.failed)", nameof(item));
        }
        if (item.DataJson is null)
        {
            throw new ArgumentException($"run event {item.Type} has no data; give a JSON object such as {{}}", nameof(item));
        }
        var bytes = Encoding.UTF8.GetByteCount(item.DataJson);
        if (bytes > MaxRunEventBytes)
        {
            throw new ArgumentException($"run event {item.Type} is {bytes} bytes; at most {MaxRunEventBytes} are kept — clip its outputs first", nameof(item));
        }
        if (!NightshiftJson.IsObject(item.DataJson))
        {
            throw new ArgumentException($"run event {item.Type}'s data must be a JSON object", nameof(item));
        }
        return (item.Type, item.DataJson);
    }

    private static void ValidateNewRun(NewRun run, IReadOnlyList<string> stepNames)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(stepNames);
        EnsureOrg(run.OrgId);
        EnsurePipelineName("pipeline", run.Pipeline);
        if (run.PipelineId is not null && !TaskId.LooksValid(run.PipelineId))
        {
            throw new ValidationException("pipelineId", "is not a registered pipeline's id; leave it out for a repository pipeline");
        }
        EnsureYaml(run.Yaml, required: false);
        if (string.IsNullOrWhiteSpace(run.Repo))
        {
            throw new ValidationException("repo", "is missing; name the repository the run works on");
        }
        EnsureShortText("repo", run.Repo, NewTask.MaxRepoLength);
        if (run.BaseBranch is not null && (run.BaseBranch.Length > NewTask.MaxBranchLength || !NewTask.IsSafeBranchName(run.BaseBranch)))
        {
            throw new ValidationException("baseBranch", $"is not a branch name git accepts (at most {NewTask.MaxBranchLength} characters, no spaces, '..' or control characters)");
        }
        if (string.IsNullOrWhiteSpace(run.Trigger) || run.Trigger.Length > 20 || !run.Trigger.All(char.IsAsciiLetterLower))
        {
            throw new ValidationException("trigger", "must be one lowercase word of at most 20 letters: api, cli, dashboard, schedule or forge");
        }
        EnsureShortText("createdBy", run.CreatedBy, MaxPersonChars);
        if (run.IdempotencyKey is { Length: > 0 } key && (key.Length > NewTask.MaxIdempotencyKeyLength || key.Any(char.IsControl)))
        {
            throw new ValidationException("idempotencyKey", $"must be at most {NewTask.MaxIdempotencyKeyLength} printable characters");
        }
        ArgumentNullException.ThrowIfNull(run.Inputs);
        if (run.Inputs.Count > PipelineDefinition.MaxInputs)
        {
            throw new ValidationException("inputs", $"has {run.Inputs.Count} values; a run takes at most {PipelineDefinition.MaxInputs}");
        }
        foreach (var (name, value) in run.Inputs)
        {
            if (!IsPipelineName(name))
            {
                throw new ValidationException("inputs", $"'{ClipRunText(name, 80)}' is not an input's name: lowercase letters, digits, '-' and '_', starting with a letter, at most {MaxPipelineNameChars} characters");
            }
            if (value is null || value.Length > MaxRunInputChars)
            {
                throw new ValidationException("inputs", $"{name} is {(value is null ? "missing" : $"{value.Length} characters long")}; give a value of at most {MaxRunInputChars} characters");
            }
        }
        if (stepNames.Count > PipelineDefinition.MaxSteps)
        {
            throw new ValidationException("steps", $"has {stepNames.Count} steps; a pipeline has at most {PipelineDefinition.MaxSteps}");
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in stepNames)
        {
            if (!IsStepName(name))
            {
                throw new ValidationException("steps", $"'{ClipRunText(name ?? "", 80)}' is not a step's name (at most {MaxPipelineNameChars} printable characters)");
            }
            if (!seen.Add(name))
            {
                throw new ValidationException("steps", $"{name} is named twice; every step of a run needs its own name");
            }
        }
    }

    private static void EnsureOrg(string orgId)
    {
        if (!OrgIds.IsValid(orgId))
        {
            throw new ValidationException("orgId", "is not an organisation id: lowercase letters, digits and '-'");
        }
    }

    private static void EnsurePipelineName(string field, string name)
    {
        if (!IsPipelineName(name))
        {
            throw new ValidationException(field, $"'{ClipRunText(name ?? "", 80)}' is not a pipeline name: lowercase letters, digits, '-' and '_', starting with a letter, at most {MaxPipelineNameChars} characters");
        }
    }

    private static void EnsureYaml(string? yaml, bool required)
    {
        if (yaml is null)
        {
            if (required)
            {
                throw new ValidationException("yaml", "is missing; give the pipeline's definition");
            }
            return;
        }
        var bytes = Encoding.UTF8.GetByteCount(yaml);
        if (bytes > PipelineYaml.MaxBytes || (required && string.IsNullOrWhiteSpace(yaml)))
        {
            throw new ValidationException("yaml", bytes > PipelineYaml.MaxBytes
                ? $"is {bytes} bytes; a pipeline definition may be at most {PipelineYaml.MaxBytes}"
                : "is empty; give the pipeline's definition");
        }
    }

    private static void EnsureShortText(string field, string? value, int maxLength)
    {
        Payloads.EnsureText(field, value, maxLength);
        if (value is not null && value.Contains('\0', StringComparison.Ordinal))
        {
            throw new ValidationException(field, "contains a NUL character; remove it");
        }
    }

    private static void EnsureArgumentText(string field, string? value, int maxLength)
    {
        if (value is not null && (value.Length > maxLength || value.Contains('\0', StringComparison.Ordinal)))
        {
            throw new ArgumentException($"{field} is {value.Length} characters long or contains NUL; at most {maxLength} printable characters are kept", field);
        }
    }

    private static bool IsPipelineName(string? name) => name is { Length: > 0 and <= MaxPipelineNameChars } && PipelineNamePattern().IsMatch(name);

    /// <summary>Step names as the definition allows them, plus the run's own <c>pull-request</c> tasks.</summary>
    private static bool IsStepName(string? name) =>
        name is { Length: > 0 and <= MaxPipelineNameChars } && !name.Any(char.IsControl) && !string.IsNullOrWhiteSpace(name);

    /// <summary>Cut to at most <paramref name="max"/> characters, the cut marked.</summary>
    private static string ClipRunText(string text, int max)
    {
        const string Marker = " […]";
        return text.Length <= max ? text : string.Concat(text.AsSpan(0, max - Marker.Length), Marker);
    }

    [GeneratedRegex("^[a-z][a-z0-9_-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex PipelineNamePattern();
}
