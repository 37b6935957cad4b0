using System.Globalization;
using Nightshift.Core.Errors;
using Nightshift.Core.Events;
using Nightshift.Core.Events.Payloads;
using Nightshift.Core.Execution;
using Nightshift.Core.Planning;
using Nightshift.Core.Queue;
using Nightshift.Core.Tasks;
using Nightshift.Core.Usage;

namespace Nightshift.Storage.Relational;

internal abstract partial class RelationalStore
{
    private const int MaxWorkerIdLength = 200;
    private const int MaxReclaimBatch = 100;

    public async Task<Lease?> TryClaimAsync(ClaimRequest request, CancellationToken cancellationToken = default)
    {
        request = ValidateClaim(request);
        await ReclaimIfDueAsync(cancellationToken).ConfigureAwait(false);
        if (CanChain(request))
        {
            // The one-statement claim never picks a follow-up, nor anything while an organisation has a concurrency quota;
            // with nothing it could take, the general claim below decides.
            if ((await ChainAsync(null, null, request, cancellationToken).ConfigureAwait(false)).Claimed is { } chained)
            {
                return chained;
            }
        }

        await using var scope = await BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        var lease = await ClaimInScopeAsync(scope, request, Now(), cancellationToken).ConfigureAwait(false);
        await CommitAsync(scope).ConfigureAwait(false);
        return lease;
    }

    /// <summary>The claim, in the caller's transaction: caps counted, the most urgent runnable task moved to running.</summary>
    private async Task<Lease?> ClaimInScopeAsync(WriteScope scope, ClaimRequest request, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var args = new List<(string Name, object? Value)> { ("now", TaskColumns.Ms(now)) };
        var perRepo = "";
        var locked = request.MaxRunning is not null || request.MaxRunningPerRepo is not null;
        if (locked)
        {
            await LockForCapsAsync(scope, cancellationToken).ConfigureAwait(false);
        }
        if (request.MaxRunning is { } maxRunning)
        {
            var running = Convert.ToInt64(
                await scope.Session.ScalarAsync("SELECT COUNT(*) FROM tasks WHERE status = 'running'", [], cancellationToken).ConfigureAwait(false),
                CultureInfo.InvariantCulture);
            if (running >= maxRunning)
            {
                return null;
            }
        }
        if (request.MaxRunningPerRepo is { } maxPerRepo)
        {
            perRepo = " AND (SELECT COUNT(*) FROM tasks r WHERE r.repo = t.repo AND r.status = 'running') < @perRepo";
            args.Add(("perRepo", (long)maxPerRepo));
        }

        var pick =
            $"SELECT t.id, t.attempts, t.repo, t.follow_up_of, {OrgLimited} FROM tasks t " +
            $"WHERE t.status = 'queued' AND t.run_after <= @now{perRepo}{FollowUpFree}{OrgQuotaFree} ORDER BY t.priority DESC, t.num LIMIT 1{SkipLockedClause}";
        var candidate = await PickAsync(scope, pick, args, cancellationToken).ConfigureAwait(false);
        if (candidate is null)
        {
            return null;
        }
        if (!locked && (candidate.FollowUpOf is not null || candidate.OrgLimited))
        {
            // Two claimers could each pick a different follow-up of one branch, or each count an organisation one
            // below its quota: under the lock the second sees what the first claimed, so the pick is made again there.
            await LockForCapsAsync(scope, cancellationToken).ConfigureAwait(false);
            candidate = await PickAsync(scope, pick, args, cancellationToken).ConfigureAwait(false);
            if (candidate is null)
            {
                return null;
            }
        }

        TaskStateMachine.EnsureCanMove(candidate.Id, TaskState.Queued, TaskState.Running);
        var token = NewLeaseToken();
        var attempt = candidate.Attempts + 1;
        var row = await UpdateAsync(
            scope, candidate.Id, now,
            [.. ClaimChanges(request, token, now, (long)attempt)],
            [(EventTypes.TaskStarted, Payloads.Write(null, new TaskStartedPayload(attempt, request.WorkerId)))],
            withCheckpoint: true, cancellationToken).ConfigureAwait(false);
        return ToLease(row, token, request.WorkerId);
    }

    /// <summary>What a claim writes; <paramref name="attempts"/> is the new count or an SQL expression computing it.</summary>
    private static IReadOnlyList<(string Column, object? Value)> ClaimChanges(ClaimRequest request, string token, DateTimeOffset now, object attempts) =>
    [
        ("status", TaskState.Running.ToWire()), ("phase", TaskPhase.None.ToWire()), ("attempts", attempts),
        ("started_at", new SqlRaw("COALESCE(started_at, @now)")), ("cancel_requested", false),
        ("lease_token", token), ("lease_owner", request.WorkerId), ("lease_expires_at", TaskColumns.Ms(now + request.LeaseDuration)),
        ("lease_ms", (long)request.LeaseDuration.TotalMilliseconds),
    ];

    private static Lease ToLease(TaskRow row, string token, string workerId) =>
        new(row.Id, token, workerId, row.Record.Attempts, row.Record.LeaseExpiresAt!.Value, row.Record, row.Checkpoint);

    public async Task<HeartbeatResult> HeartbeatAsync(Lease lease, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        var now = Now();
        await using var scope = await BeginSingleStatementWriteAsync(CommitDurability.RerunIfLost, cancellationToken).ConfigureAwait(false);
        var renewed = await scope.Session.QuerySingleAsync(
            $"UPDATE tasks SET lease_expires_at = @now + lease_ms WHERE {FenceCondition} RETURNING lease_expires_at, cancel_requested",
            FenceArgs(lease, now),
            r => new Renewal(TaskColumns.Time(r.GetInt64(0)), Convert.ToBoolean(r.GetValue(1), CultureInfo.InvariantCulture)),
            cancellationToken).ConfigureAwait(false)
            ?? throw await LeaseLostAsync(scope, lease, now, cancellationToken).ConfigureAwait(false);
        await CommitAsync(scope).ConfigureAwait(false);
        return new HeartbeatResult(renewed.ExpiresAt, renewed.CancelRequested);
    }

    public async Task<long> AppendEventAsync(Lease lease, string type, string dataJson, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        Payloads.EnsureWorkerEventType(type);
        Payloads.EnsureObject("data", dataJson, Options.MaxEventPayloadBytes);
        var now = Now();
        await using var scope = await BeginSingleStatementWriteAsync(CommitDurability.Required, cancellationToken).ConfigureAwait(false);
        var sql = new System.Text.StringBuilder($"UPDATE tasks SET last_seq = last_seq + 1 WHERE {FenceCondition} RETURNING last_seq;");
        var args = FenceArgs(lease, now);
        AppendEventInsert(sql, args, [(type, dataJson)], FenceCondition);
        var sequences = await scope.Session.QueryAsync(sql.ToString(), args, r => r.GetInt64(0), cancellationToken).ConfigureAwait(false);
        if (sequences.Count == 0)
        {
            throw await LeaseLostAsync(scope, lease, now, cancellationToken).ConfigureAwait(false);
        }
        scope.SignalEvents(lease.TaskId);
        await CommitAsync(scope).ConfigureAwait(false);
        return sequences[0];
    }

    public async Task SetPhaseAsync(Lease lease, TaskPhase phase, CancellationToken cancellationToken = default)
    {
        if (!Enum.IsDefined(phase))
        {
            throw new ValidationException("phase", $"{(int)phase} is not a phase");
        }
        var now = Now();
        await using var scope = await BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        var row = await LockLeaseAsync(scope, lease, now, cancellationToken).ConfigureAwait(false);
        TaskStateMachine.EnsurePhaseFits(row.Id, row.Status, phase);
        await UpdateAsync(
            scope, row.Id, now,
            [("phase", phase.ToWire())],
            [(EventTypes.TaskPhase, Payloads.Write(null, new TaskPhasePayload(phase.ToWire())))],
            withCheckpoint: false, cancellationToken).ConfigureAwait(false);
        await CommitAsync(scope).ConfigureAwait(false);
    }

    public async Task CheckpointAsync(Lease lease, string checkpointJson, CancellationToken cancellationToken = default)
    {
        Payloads.EnsureObject("checkpoint", checkpointJson, Options.MaxCheckpointBytes);
        var now = Now();
        await using var scope = await BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        var row = await LockLeaseAsync(scope, lease, now, cancellationToken).ConfigureAwait(false);
        await UpdateAsync(
            scope, row.Id, now,
            [("checkpoint", checkpointJson)],
            [(EventTypes.TaskCheckpoint, Payloads.Write(null, new TaskCheckpointPayload(System.Text.Encoding.UTF8.GetByteCount(checkpointJson))))],
            withCheckpoint: false, cancellationToken).ConfigureAwait(false);
        await CommitAsync(scope).ConfigureAwait(false);
    }

    public async Task RecordUsageAsync(Lease lease, UsageRecord usage, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(usage);
        if (string.IsNullOrWhiteSpace(usage.Provider) || usage.Provider.Length > 100 || string.IsNullOrWhiteSpace(usage.Model) || usage.Model.Length > NewTask.MaxModelLength)
        {
            throw new ValidationException("usage", "needs a provider (at most 100 characters) and a model (at most 200)");
        }
        if (usage.InputTokens < 0 || usage.OutputTokens < 0 || usage.CachedTokens < 0 || usage.CostUsd < 0)
        {
            throw new ValidationException("usage", "token counts and cost cannot be negative");
        }
        if (usage.Subtask is not null && !PlanValidator.IsSubtaskId(usage.Subtask))
        {
            throw new ValidationException("usage", $"subtask must be a plan subtask id (at most {PlanLimits.MaxIdLength} lowercase letters, digits and single hyphens, starting with a letter) or null for the whole task");
        }
        var now = Now();
        await using var scope = await BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        var row = await LockLeaseAsync(scope, lease, now, cancellationToken).ConfigureAwait(false);
        await scope.Session.ExecuteAsync(
            """
            INSERT INTO usage (task_id, time, attempt, provider, model, input_tokens, output_tokens, cached_tokens, cost_usd, subtask)
            VALUES (@id, @now, @attempt, @provider, @model, @input, @output, @cached, @cost, @subtask)
            """,
            [
                ("id", row.Id), ("now", TaskColumns.Ms(now)), ("attempt", (long)row.Record.Attempts), ("provider", usage.Provider),
                ("model", usage.Model), ("input", usage.InputTokens), ("output", usage.OutputTokens), ("cached", usage.CachedTokens),
                ("cost", usage.CostUsd), ("subtask", usage.Subtask),
            ],
            cancellationToken).ConfigureAwait(false);
        var totals = row.Record.Usage.Add(usage);
        await UpdateAsync(
            scope, row.Id, now,
            [
                ("input_tokens", totals.InputTokens), ("output_tokens", totals.OutputTokens), ("cached_tokens", totals.CachedTokens),
                ("cost_usd", totals.CostUsd), ("calls", (long)totals.Calls), ("unpriced_calls", (long)totals.UnpricedCalls),
            ],
            [],
            withCheckpoint: false, cancellationToken).ConfigureAwait(false);
        await CommitAsync(scope).ConfigureAwait(false);
    }

    public async Task SetPlanAsync(Lease lease, string planJson, CancellationToken cancellationToken = default)
    {
        Payloads.EnsureObject("plan", planJson, Options.MaxPlanBytes);
        var now = Now();
        await using var scope = await BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        var row = await LockLeaseAsync(scope, lease, now, cancellationToken).ConfigureAwait(false);
        var changes = new List<(string Column, object? Value)> { ("plan", planJson) };
        if (PlanTitle.From(row.Record, planJson) is { } title)
        {
            changes.Add(("title", title));
        }
        await UpdateAsync(scope, row.Id, now, changes, [], withCheckpoint: false, cancellationToken).ConfigureAwait(false);
        await CommitAsync(scope).ConfigureAwait(false);
    }

    public async Task<TaskRecord> FinishAsync(Lease lease, TaskOutcome outcome, CancellationToken cancellationToken = default)
    {
        ValidateOutcome(lease, outcome);
        if (CanChain(outcome))
        {
            var (done, _) = await ChainAsync(lease, outcome, null, cancellationToken).ConfigureAwait(false);
            if (done is not null)
            {
                return done.Record;
            }
        }

        await using var scope = await BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        var finished = await FinishInScopeAsync(scope, lease, outcome, Now(), cancellationToken).ConfigureAwait(false);
        await CommitAsync(scope).ConfigureAwait(false);
        return finished;
    }

    private void ValidateOutcome(Lease lease, TaskOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(lease);
        ArgumentNullException.ThrowIfNull(outcome);
        if (!Enum.IsDefined(outcome.Kind))
        {
            throw new ValidationException("outcome", $"{(int)outcome.Kind} is not an outcome");
        }
        Payloads.EnsureText("reason", outcome.Reason, MaxReasonLength);
        Payloads.EnsureText("branch", outcome.Branch, NewTask.MaxBranchLength);
        Payloads.EnsureText("pullRequest", outcome.PullRequest, NewTask.MaxRepoLength);
        if (outcome.DetailsJson is not null)
        {
            Payloads.EnsureObject("details", outcome.DetailsJson, Options.MaxEventPayloadBytes / 2);
        }
        ValidateQuestion(outcome);
    }

    /// <summary>The finish, in the caller's transaction, after the fence.</summary>
    private async Task<TaskRecord> FinishInScopeAsync(WriteScope scope, Lease lease, TaskOutcome outcome, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var row = await LockLeaseAsync(scope, lease, now, cancellationToken).ConfigureAwait(false);
        var attempt = row.Record.Attempts;
        var changes = new List<(string Column, object? Value)>(ReleaseLease());
        TaskState target;
        string eventType;
        string payload;

        switch (outcome.Kind)
        {
            case OutcomeKind.RetryableFailure:
                (target, eventType, payload) = await RetryOrGiveUpAsync(scope, row, outcome.Reason ?? "the attempt failed", now, changes, cancellationToken).ConfigureAwait(false);
                break;
            case OutcomeKind.AwaitingApproval:
                target = TaskState.AwaitingApproval;
                eventType = EventTypes.PlanAwaitingApproval;
                payload = Payloads.Write(outcome.DetailsJson, new PlanAwaitingApprovalPayload(attempt));
                changes.AddRange([("phase", TaskPhase.AwaitingApproval.ToWire()), ("awaiting_since", TaskColumns.Ms(now))]);
                break;
            case OutcomeKind.AwaitingInput:
                (target, eventType, payload) = await ParkForAnswerAsync(scope, row, outcome, now, changes, cancellationToken).ConfigureAwait(false);
                break;
            case OutcomeKind.Released:
                target = TaskState.Queued;
                eventType = EventTypes.TaskReleased;
                payload = Payloads.Write(outcome.DetailsJson, new TaskReleasedPayload(attempt, outcome.Reason));
                // A shutdown is not the task's fault: the attempt is handed back.
                changes.AddRange([("phase", TaskPhase.None.ToWire()), ("attempts", (long)Math.Max(0, attempt - 1)), ("run_after", TaskColumns.Ms(now))]);
                break;
            default:
                (target, eventType, payload) = FinalChanges(outcome, attempt, now, changes);
                break;
        }

        TaskStateMachine.EnsureCanMove(row.Id, row.Status, target);
        changes.Add(("status", target.ToWire()));
        Payloads.EnsureObject("event", payload, Options.MaxEventPayloadBytes);
        var finished = await UpdateAsync(scope, row.Id, now, changes, [(eventType, payload)], withCheckpoint: false, cancellationToken).ConfigureAwait(false);
        scope.SignalWork();
        return finished.Record;
    }

    /// <summary>A final outcome's changes (added to <paramref name="changes"/>), its state, event and payload.</summary>
    private static (TaskState Target, string EventType, string Payload) FinalChanges(
        TaskOutcome outcome, int attempt, DateTimeOffset now, List<(string Column, object? Value)> changes)
    {
        var target = outcome.Kind switch
        {
            OutcomeKind.Succeeded => TaskState.Succeeded,
            OutcomeKind.NeedsReview => TaskState.NeedsReview,
            OutcomeKind.Failed => TaskState.Failed,
            OutcomeKind.Cancelled => TaskState.Cancelled,
            OutcomeKind.TimedOut => TaskState.TimedOut,
            _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome.Kind, "not a final outcome"),
        };
        var reason = outcome.Reason ?? target switch
        {
            TaskState.Succeeded => null,
            TaskState.NeedsReview => "the change was made but verification did not pass; review the draft pull request",
            TaskState.Cancelled => "cancelled",
            TaskState.TimedOut => "the task ran out of time",
            _ => "the task failed without saying why",
        };
        var payload = Payloads.Write(
            outcome.DetailsJson,
            new TaskFinishedPayload(Reason: reason, Branch: outcome.Branch, PullRequest: outcome.PullRequest, Attempt: attempt));
        changes.AddRange(
        [
            ("phase", TaskPhase.None.ToWire()), ("finished_at", TaskColumns.Ms(now)), ("last_error", PlainError(outcome.DetailsJson) ?? reason),
        ]);
        if (outcome.Branch is not null)
        {
            changes.Add(("branch", outcome.Branch));
        }
        if (outcome.PullRequest is not null)
        {
            changes.Add(("pull_request", outcome.PullRequest));
        }
        return (target, EventTypes.ForFinalStatus(target), payload);
    }

    public async Task<int> ReclaimExpiredAsync(CancellationToken cancellationToken = default)
    {
        var now = Now();
        await using var scope = await BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        var reclaimed = await ReclaimLeasesInScopeAsync(scope, now, cancellationToken).ConfigureAwait(false);
        var expired = await ExpireApprovalsInScopeAsync(scope, now, cancellationToken).ConfigureAwait(false);
        var unanswered = await ExpireQuestionsInScopeAsync(scope, now, cancellationToken).ConfigureAwait(false);
        if (reclaimed + expired + unanswered == 0)
        {
            return 0;
        }
        await CommitAsync(scope).ConfigureAwait(false);
        return reclaimed + expired + unanswered;
    }

    private async Task<int> ReclaimLeasesInScopeAsync(WriteScope scope, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var expired = await scope.Session.QueryAsync(
            $"SELECT {TaskColumns.List} FROM tasks WHERE status = 'running' AND lease_expires_at <= @now ORDER BY lease_expires_at LIMIT {MaxReclaimBatch}{SkipLockedClause}",
            [("now", TaskColumns.Ms(now))],
            TaskColumns.Read,
            cancellationToken).ConfigureAwait(false);
        foreach (var row in expired)
        {
            var changes = new List<(string Column, object? Value)>(ReleaseLease());
            var reason = $"worker {row.Record.LeaseOwner} stopped renewing its lease, which expired at {row.Record.LeaseExpiresAt:yyyy-MM-dd HH:mm:ss}Z";
            var (target, eventType, payload) = await RetryOrGiveUpAsync(scope, row, reason, now, changes, cancellationToken).ConfigureAwait(false);
            TaskStateMachine.EnsureCanMove(row.Id, row.Status, target);
            changes.Add(("status", target.ToWire()));
            await UpdateAsync(scope, row.Id, now, changes, [(eventType, payload)], withCheckpoint: false, cancellationToken).ConfigureAwait(false);
            scope.SignalWork();
            LogReclaimed(Logger, row.Id, row.Record.LeaseOwner, target.ToWire());
        }
        return expired.Count;
    }

    /// <summary>
    /// Ends plans that waited for approval longer than <see cref="StoreOptions.ApprovalTimeout"/> as timed_out. Rows an
    /// approval holds are skipped, and one approved before this looks is no longer waiting: a plan is either approved
    /// or timed out, never both.
    /// </summary>
    private async Task<int> ExpireApprovalsInScopeAsync(WriteScope scope, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var timeout = Options.ApprovalTimeout;
        if (timeout <= TimeSpan.Zero)
        {
            return 0;
        }
        var waiting = await scope.Session.QueryAsync(
            $"SELECT {TaskColumns.List}, awaiting_since FROM tasks WHERE status = 'awaiting_approval' AND awaiting_since <= @cutoff " +
            $"ORDER BY awaiting_since LIMIT {MaxReclaimBatch}{SkipLockedClause}",
            [("cutoff", TaskColumns.Ms(now - timeout))],
            r => (Row: TaskColumns.Read(r), Since: TaskColumns.Time(r.GetInt64(TaskColumns.NextOrdinal))),
            cancellationToken).ConfigureAwait(false);
        foreach (var (row, since) in waiting)
        {
            TaskStateMachine.EnsureCanMove(row.Id, row.Status, TaskState.TimedOut);
            var reason =
                $"the plan waited {Describe(now - since)} for approval (since {since:yyyy-MM-dd HH:mm}Z), longer than the approval timeout of " +
                $"{Describe(timeout)}; approve or reject plans within that time, or raise the store's ApprovalTimeout setting " +
                "(Storage:ApprovalTimeout; 0 waits for ever), then retry the task";
            await UpdateAsync(
                scope, row.Id, now,
                [
                    ("status", TaskState.TimedOut.ToWire()), ("phase", TaskPhase.None.ToWire()), ("finished_at", TaskColumns.Ms(now)),
                    ("last_error", reason),
                ],
                [
                    (EventTypes.TaskTimedOut, Payloads.Write(
                        null,
                        new TaskFinishedPayload(Reason: reason, WaitingSince: since, ApprovalTimeoutSeconds: (long)timeout.TotalSeconds))),
                ],
                withCheckpoint: false, cancellationToken).ConfigureAwait(false);
            LogApprovalTimedOut(Logger, row.Id, Describe(now - since));
        }
        return waiting.Count;
    }

    /// <summary>A span in the largest whole units a person reads at a glance: "7 days", "3 hours 5 minutes", "42 seconds".</summary>
    internal static string Describe(TimeSpan span)
    {
        static string Unit(long n, string name) => n == 1 ? $"1 {name}" : $"{n.ToString(CultureInfo.InvariantCulture)} {name}s";
        var parts = new List<string>();
        if (span.Days > 0)
        {
            parts.Add(Unit(span.Days, "day"));
        }
        if (span.Hours > 0)
        {
            parts.Add(Unit(span.Hours, "hour"));
        }
        if (span.Minutes > 0 && span.Days == 0)
        {
            parts.Add(Unit(span.Minutes, "minute"));
        }
        if (parts.Count == 0)
        {
            parts.Add(Unit((long)span.TotalSeconds, "second"));
        }
        return string.Join(" ", parts.Take(2));
    }

    public async Task WaitForWorkAsync(TimeSpan maxWait, CancellationToken cancellationToken = default)
    {
        if (maxWait < TimeSpan.Zero && maxWait != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(maxWait), maxWait, "give a wait of zero or more, or Timeout.InfiniteTimeSpan");
        }
        await _work.WaitAsync().WaitAsync(maxWait, Time, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        cancellationToken.ThrowIfCancellationRequested();
    }

    /// <summary>
    /// A failed attempt goes back to the queue after a backoff while attempts remain; after the last one the task is
    /// dead (the dead letter), with every attempt's reason in its last error and in <c>task.dead</c>.
    /// </summary>
    private async Task<(TaskState Target, string EventType, string Payload)> RetryOrGiveUpAsync(
        WriteScope scope, TaskRow row, string reason, DateTimeOffset now, List<(string Column, object? Value)> changes, CancellationToken cancellationToken)
    {
        var attempt = row.Record.Attempts;
        if (row.Record.CancelRequested)
        {
            changes.AddRange([("phase", TaskPhase.None.ToWire()), ("finished_at", TaskColumns.Ms(now)), ("last_error", "cancelled on request")]);
            return (TaskState.Cancelled, EventTypes.TaskCancelled, Payloads.Write(null, new TaskFinishedPayload(Reason: "cancelled on request", Attempt: attempt)));
        }
        if (attempt >= row.Record.MaxAttempts)
        {
            var reasons = await EarlierAttemptReasonsAsync(scope, row.Id, attempt - 1, cancellationToken).ConfigureAwait(false);
            reasons.Add(new TaskAttemptReason(attempt, reason));
            var final = DeadLetterText(reasons, attempt, row.Record.MaxAttempts);
            changes.AddRange([("phase", TaskPhase.None.ToWire()), ("finished_at", TaskColumns.Ms(now)), ("last_error", final)]);
            var payload = Payloads.Write(null, new TaskDeadPayload(final, attempt, reasons));
            return (TaskState.Dead, EventTypes.TaskDead, payload);
        }
        var delay = RetryBackoff.Compute(attempt, Options.RetryBaseDelay, Options.RetryMaxDelay, Options.RetryJitter, Random.Shared.NextDouble());
        var runAfter = TaskColumns.Time(TaskColumns.Ms(now + delay));
        changes.AddRange([("phase", TaskPhase.None.ToWire()), ("run_after", TaskColumns.Ms(runAfter)), ("last_error", reason)]);
        return (TaskState.Queued, EventTypes.TaskRetrying, Payloads.Write(null, new TaskRetryingPayload(reason, attempt, runAfter)));
    }

    /// <summary>
    /// The reasons of this round's earlier attempts, oldest first, from their <c>task.retrying</c> events (a person's
    /// retry starts the count again, and a release on shutdown hands its attempt back without one).
    /// </summary>
    private static async Task<List<TaskAttemptReason>> EarlierAttemptReasonsAsync(WriteScope scope, string taskId, int count, CancellationToken cancellationToken)
    {
        if (count <= 0)
        {
            return [];
        }
        var rows = await scope.Session.QueryAsync(
            "SELECT data FROM events WHERE task_id = @id AND type = @type ORDER BY seq DESC LIMIT @limit",
            [("id", taskId), ("type", EventTypes.TaskRetrying), ("limit", (long)count)],
            r => r.GetString(0),
            cancellationToken).ConfigureAwait(false);
        var reasons = new List<TaskAttemptReason>(rows.Count);
        foreach (var data in Enumerable.Reverse(rows))
        {
            using var json = System.Text.Json.JsonDocument.Parse(data);
            var root = json.RootElement;
            var number = root.TryGetProperty("attempt", out var a) && a.TryGetInt32(out var n) ? n : 0;
            var text = root.TryGetProperty("reason", out var r) && r.ValueKind == System.Text.Json.JsonValueKind.String ? r.GetString()! : "no reason was recorded";
            reasons.Add(new TaskAttemptReason(number, text));
        }
        return reasons;
    }

    /// <summary>What a person reads on a dead task: how many attempts, and why each one failed.</summary>
    private static string DeadLetterText(IReadOnlyList<TaskAttemptReason> reasons, int attempt, int maxAttempts)
    {
        const int PerReason = 600;
        var lines = reasons.Select(r =>
            $"attempt {r.Attempt.ToString(CultureInfo.InvariantCulture)}: {(r.Reason.Length > PerReason ? r.Reason[..PerReason] + "…" : r.Reason)}");
        var text = $"gave up after {attempt} of {maxAttempts} attempts; {string.Join("; ", lines)}; " +
            "fix the cause and run `nightshift retry ID` (or POST /api/v1/tasks/ID/retry)";
        return text.Length > MaxReasonLength ? text[..(MaxReasonLength - 1)] + "…" : text;
    }

    /// <summary>Fencing: the write goes ahead only if this claim still holds the task and its lease has not run out.</summary>
    private async Task<TaskRow> LockLeaseAsync(WriteScope scope, Lease lease, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lease);
        var row = TaskId.LooksValid(lease.TaskId) ? await LockAsync(scope, lease.TaskId, cancellationToken).ConfigureAwait(false) : null;
        if (row is null)
        {
            throw new LeaseLostException(lease.TaskId ?? "", "the task does not exist");
        }
        if (!string.Equals(row.LeaseToken, lease.Token, StringComparison.Ordinal))
        {
            var detail = row.Status == TaskState.Running
                ? $"it was reclaimed and worker {row.Record.LeaseOwner} holds it now (attempt {row.Record.Attempts})"
                : $"the task is {row.Status.ToWire()} now";
            throw new LeaseLostException(row.Id, detail);
        }
        if (row.Record.LeaseExpiresAt is not { } expires || expires <= now)
        {
            throw new LeaseLostException(row.Id, $"the lease expired at {row.Record.LeaseExpiresAt:yyyy-MM-dd HH:mm:ss.fff}Z without a heartbeat");
        }
        return row;
    }

    /// <summary>The fence as one WHERE clause, so the check and the write are a single statement.</summary>
    private const string FenceCondition = "id = @id AND status = 'running' AND lease_token = @token AND lease_expires_at > @now";

    private static List<(string Name, object? Value)> FenceArgs(Lease lease, DateTimeOffset now) =>
        [("id", lease.TaskId ?? ""), ("token", lease.Token ?? ""), ("now", TaskColumns.Ms(now))];

    /// <summary>The fenced statement matched nothing: say why, in the same transaction.</summary>
    private async Task<LeaseLostException> LeaseLostAsync(WriteScope scope, Lease lease, DateTimeOffset now, CancellationToken cancellationToken)
    {
        try
        {
            await LockLeaseAsync(scope, lease, now, cancellationToken).ConfigureAwait(false);
        }
        catch (LeaseLostException lost)
        {
            return lost;
        }
        return new LeaseLostException(lease.TaskId, "the lease changed hands while the write was being made");
    }

    private async Task ReclaimIfDueAsync(CancellationToken cancellationToken)
    {
        var now = NowMs();
        var last = Interlocked.Read(ref _lastReclaimMs);
        if (last != long.MinValue && now - last < (long)Options.ReclaimInterval.TotalMilliseconds)
        {
            return;
        }
        if (Interlocked.CompareExchange(ref _lastReclaimMs, now, last) != last)
        {
            return;
        }
        await ReclaimExpiredAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <returns>the request, with <see cref="StoreOptions.LeaseDuration"/> when it left the lease at zero.</returns>
    private ClaimRequest ValidateClaim(ClaimRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.LeaseDuration == TimeSpan.Zero)
        {
            request = request with { LeaseDuration = Options.LeaseDuration };
        }
        if (string.IsNullOrWhiteSpace(request.WorkerId) || request.WorkerId.Length > MaxWorkerIdLength || request.WorkerId.Any(char.IsControl))
        {
            throw new ValidationException("workerId", $"must be a printable name of at most {MaxWorkerIdLength} characters, such as host:pid:slot");
        }
        if (request.LeaseDuration < TimeSpan.Zero || request.LeaseDuration > TimeSpan.FromDays(1))
        {
            throw new ValidationException("leaseDuration", $"is {request.LeaseDuration}; give at most one day, or zero for the store's default ({Options.LeaseDuration})");
        }
        if (request.MaxRunning is < 0)
        {
            throw new ValidationException("maxRunning", "cannot be negative; leave it out for no cap");
        }
        if (request.MaxRunningPerRepo is < 0)
        {
            throw new ValidationException("maxRunningPerRepo", "cannot be negative; leave it out for no cap");
        }
        return request;
    }

    /// <summary>
    /// A follow-up continues a branch other tasks may be writing to: it waits while its parent runs, or any other
    /// follow-up of the same repository (chains included, without a column naming a chain's root). Other tasks never wait.
    /// </summary>
    private const string FollowUpFree =
        " AND (t.follow_up_of IS NULL OR NOT EXISTS (SELECT 1 FROM tasks r WHERE r.status = 'running' AND r.repo = t.repo AND (r.follow_up_of IS NOT NULL OR r.id = t.follow_up_of)))";

    /// <summary>
    /// An organisation's concurrency quotas (<c>orgs.max_running</c>, <c>orgs.max_running_per_repo</c>; null is no limit):
    /// a task of an organisation at its quota waits in the queue, passed over, until one of its running tasks ends.
    /// </summary>
    /// <remarks>
    /// A scalar subquery, not NOT EXISTS: PostgreSQL turns a top-level NOT EXISTS into an anti-join and may then read
    /// the whole queue instead of stopping at the head of its index; a scalar subquery stays a filter on the rows read.
    /// </remarks>
    private const string OrgQuotaFree =
        " AND COALESCE((SELECT CASE WHEN " +
        "(o.max_running IS NOT NULL AND (SELECT COUNT(*) FROM tasks r WHERE r.org_id = t.org_id AND r.status = 'running') >= o.max_running)" +
        " OR (o.max_running_per_repo IS NOT NULL AND (SELECT COUNT(*) FROM tasks r WHERE r.org_id = t.org_id AND r.repo = t.repo AND r.status = 'running') >= o.max_running_per_repo)" +
        " THEN 0 ELSE 1 END FROM orgs o WHERE o.id = t.org_id), 1) = 1";

    /// <summary>1 when the task's organisation has a concurrency quota: its count is exact only under the caps lock.</summary>
    private const string OrgLimited =
        "CASE WHEN EXISTS (SELECT 1 FROM orgs o WHERE o.id = t.org_id AND (o.max_running IS NOT NULL OR o.max_running_per_repo IS NOT NULL)) THEN 1 ELSE 0 END";

    private static Task<Candidate?> PickAsync(WriteScope scope, string sql, List<(string Name, object? Value)> args, CancellationToken cancellationToken) =>
        scope.Session.QuerySingleAsync(
            sql,
            args,
            r => new Candidate(r.GetString(0), (int)r.GetInt64(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3), TaskColumns.Bool(r, 4)),
            cancellationToken);

    private sealed record Candidate(string Id, int Attempts, string Repo, string? FollowUpOf, bool OrgLimited);

    private sealed record Renewal(DateTimeOffset ExpiresAt, bool CancelRequested);

    /// <summary>
    /// The details' <c>error</c> in plain words when the outcome gives one next to a short code as its reason (a budget
    /// stop's reason is <c>budget_exhausted</c>): a person reading the task sees the words, the event keeps both.
    /// </summary>
    private static string? PlainError(string? detailsJson)
    {
        if (string.IsNullOrEmpty(detailsJson))
        {
            return null;
        }
        try
        {
            using var details = System.Text.Json.JsonDocument.Parse(detailsJson);
            return details.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object
                && details.RootElement.TryGetProperty("error", out var error)
                && error.ValueKind == System.Text.Json.JsonValueKind.String
                && error.GetString() is { Length: > 0 } text
                ? text
                : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
