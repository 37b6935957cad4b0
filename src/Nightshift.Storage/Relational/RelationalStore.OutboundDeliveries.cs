using System.Data.Common;
using System.Globalization;
using System.Text;
using Nightshift.Core.Errors;
using Nightshift.Storage.Outbound;

namespace Nightshift.Storage.Relational;

// The outbox (events into deliveries) and the deliveries: claims under leases, attempts, redelivery, listing.
internal abstract partial class RelationalStore
{
    private const string OutboundDeliveryColumns =
        "id, num, endpoint_id, task_id, seq, event_type, payload, state, attempts, next_attempt_at, created_at, last_attempt_at, " +
        "delivered_at, last_status, last_error";

    private const string AttemptColumns = "delivery_id, number, started_at, duration_ms, outcome, status_code, error, response_excerpt";

    /// <summary>Deliveries written per INSERT statement by <see cref="CompleteOutboxAsync"/>.</summary>
    private const int DeliveryInsertChunk = 50;

    /// <summary>What makes a delivery claimable now, written for a table alias: due and pending, or sending under a lapsed lease.</summary>
    private static string Claimable(string alias) =>
        $"(({alias}.state = 'pending' AND {alias}.next_attempt_at <= @now) OR ({alias}.state = 'sending' AND {alias}.lease_until <= @now))";

    /// <summary>No earlier delivery of the same task to the same endpoint is still waiting or being sent.</summary>
    private static string HeadOfChain(string alias) =>
        $"""
        NOT EXISTS (SELECT 1 FROM outbound_deliveries p
            WHERE p.endpoint_id = {alias}.endpoint_id AND p.task_id = {alias}.task_id AND p.num < {alias}.num AND p.state IN ('pending', 'sending'))
        """;

    /// <summary>Serialises outbound claims across processes where row locks cannot make the in-flight count exact.</summary>
    protected virtual Task LockForOutboundClaimAsync(WriteScope scope, CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task<IReadOnlyList<string>> FindTasksWithUnsentEventsAsync(int max, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(max, 10_000);
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        // With no active endpoint the MIN is NULL and nothing compares true: no task is found.
        return await new DbSession(connection, null).QueryAsync(
            """
            SELECT t.id FROM tasks t LEFT JOIN outbox_cursors c ON c.task_id = t.id
            WHERE t.updated_at >= (SELECT MIN(created_at) FROM outbound_endpoints WHERE active = 1)
              AND t.last_seq > COALESCE(c.last_seq, 0)
              AND (c.lease_until IS NULL OR c.lease_until <= @now)
            ORDER BY t.updated_at, t.num LIMIT @max
            """,
            [("now", NowMs()), ("max", max)],
            r => r.GetString(0),
            cancellationToken).ConfigureAwait(false);
    }

    public async Task<OutboxCursor?> ClaimOutboxCursorAsync(string taskId, string owner, TimeSpan lease, CancellationToken cancellationToken = default)
    {
        OutboundChecks.TaskIdOf("taskId", taskId);
        OutboundChecks.Owner(owner);
        var leaseMs = OutboundChecks.Lease(lease);
        var now = NowMs();
        OutboxCursor? claimed;
        await using (var scope = await BeginWriteAsync(cancellationToken).ConfigureAwait(false))
        {
            await scope.Session.ExecuteAsync(
                """
                INSERT INTO outbox_cursors (task_id, last_seq)
                SELECT id, 0 FROM tasks WHERE id = @id
                ON CONFLICT (task_id) DO NOTHING
                """,
                [("id", taskId)],
                cancellationToken).ConfigureAwait(false);
            // The conditional UPDATE decides between two servers; the holder may take it again to extend its lease.
            claimed = await scope.Session.QuerySingleAsync(
                """
                UPDATE outbox_cursors SET lease_owner = @owner, lease_until = @until
                WHERE task_id = @id AND (lease_owner IS NULL OR lease_until <= @now OR lease_owner = @owner)
                RETURNING task_id, last_seq
                """,
                [("id", taskId), ("owner", owner), ("until", now + leaseMs), ("now", now)],
                r => new OutboxCursor(r.GetString(0), r.GetInt64(1)),
                cancellationToken).ConfigureAwait(false);
            await CommitAsync(scope).ConfigureAwait(false);
        }
        return claimed;
    }

    public async Task<bool> CompleteOutboxAsync(string taskId, string owner, long lastSequence, IReadOnlyList<NewOutboundDelivery> deliveries, CancellationToken cancellationToken = default)
    {
        OutboundChecks.TaskIdOf("taskId", taskId);
        OutboundChecks.Owner(owner);
        ArgumentNullException.ThrowIfNull(deliveries);
        if (lastSequence < 0)
        {
            throw new ValidationException("lastSequence", "must not be negative");
        }
        foreach (var delivery in deliveries)
        {
            OutboundChecks.Delivery(delivery);
        }
        var now = NowMs();
        await using (var scope = await BeginWriteAsync(cancellationToken).ConfigureAwait(false))
        {
            // A lease that lapsed but nobody took since still counts as held: nobody else can have walked these events.
            var moved = await scope.Session.ExecuteAsync(
                """
                UPDATE outbox_cursors
                SET last_seq = CASE WHEN last_seq > @seq THEN last_seq ELSE @seq END, lease_owner = NULL, lease_until = NULL
                WHERE task_id = @id AND lease_owner = @owner
                """,
                [("id", taskId), ("owner", owner), ("seq", lastSequence)],
                cancellationToken).ConfigureAwait(false);
            if (moved == 0)
            {
                return false;
            }
            for (var start = 0; start < deliveries.Count; start += DeliveryInsertChunk)
            {
                await InsertDeliveriesAsync(scope.Session, deliveries.Skip(start).Take(DeliveryInsertChunk).ToList(), now, cancellationToken).ConfigureAwait(false);
            }
            await CommitAsync(scope).ConfigureAwait(false);
        }
        return true;
    }

    public async Task<IReadOnlyList<OutboundDelivery>> ClaimDueDeliveriesAsync(string owner, TimeSpan lease, int max, CancellationToken cancellationToken = default)
    {
        OutboundChecks.Owner(owner);
        var leaseMs = OutboundChecks.Lease(lease);
        if (max < 1 || max > OutboundChecks.MaxListLimit)
        {
            throw new ValidationException("max", $"is {max}; claim 1 to {OutboundChecks.MaxListLimit} deliveries at a time");
        }
        var now = NowMs();
        List<OutboundDelivery> claimed;
        await using (var scope = await BeginWriteAsync(cancellationToken).ConfigureAwait(false))
        {
            await LockForOutboundClaimAsync(scope, cancellationToken).ConfigureAwait(false);
            // room: what each active endpoint may still start under its MaxInFlight (live leases count, lapsed ones do
            // not); due: the claimable heads of their (endpoint, task) chains, ranked per endpoint oldest first; an
            // endpoint gives at most its room. The outer WHERE repeats the test, so a row another claimer took is left.
            claimed = await scope.Session.QueryAsync(
                $"""
                WITH room AS (
                    SELECT e.id AS endpoint_id, e.max_in_flight - (
                        SELECT COUNT(*) FROM outbound_deliveries s
                        WHERE s.endpoint_id = e.id AND s.state = 'sending' AND s.lease_until > @now) AS free
                    FROM outbound_endpoints e WHERE e.active = 1
                ),
                due AS (
                    SELECT d.num, r.free, ROW_NUMBER() OVER (PARTITION BY d.endpoint_id ORDER BY d.num) AS place
                    FROM outbound_deliveries d JOIN room r ON r.endpoint_id = d.endpoint_id
                    WHERE r.free > 0 AND {Claimable("d")} AND {HeadOfChain("d")}
                ),
                picked AS (
                    SELECT num FROM due WHERE place <= free ORDER BY num LIMIT @max
                )
                UPDATE outbound_deliveries SET state = 'sending', lease_owner = @owner, lease_until = @until
                WHERE num IN (SELECT num FROM picked) AND {Claimable("outbound_deliveries")}
                RETURNING {OutboundDeliveryColumns}
                """,
                [("now", now), ("owner", owner), ("until", now + leaseMs), ("max", (long)max)],
                ReadOutboundDelivery,
                cancellationToken).ConfigureAwait(false);
            await CommitAsync(scope).ConfigureAwait(false);
        }
        claimed.Sort((a, b) => a.Number.CompareTo(b.Number));
        return claimed;
    }

    public async Task<bool> RecordAttemptAsync(string deliveryId, string owner, AttemptResult result, CancellationToken cancellationToken = default)
    {
        OutboundChecks.Owner(owner);
        ArgumentNullException.ThrowIfNull(result);
        var outcome = OutboundChecks.OutcomeName(result.Outcome);
        if (result.Outcome == AttemptOutcome.Retry && result.RetryAt is null)
        {
            throw new ValidationException("retryAt", "is missing; a retry needs the time of its next attempt");
        }
        if (result.Duration < TimeSpan.Zero)
        {
            throw new ValidationException("duration", "must not be negative");
        }
        if (result.StatusCode is < 0 or > 999)
        {
            throw new ValidationException("statusCode", "must be an HTTP status or SMTP reply code (0 to 999)");
        }
        if (!LooksLikeEndpointId(deliveryId))
        {
            return false;
        }
        var now = NowMs();
        var error = result.Outcome == AttemptOutcome.Delivered ? null : OutboundChecks.Clip(result.Error, OutboundDelivery.MaxErrorLength, "…");
        var excerpt = OutboundChecks.Clip(result.ResponseExcerpt, OutboundAttempt.MaxExcerptLength);
        var state = result.Outcome switch
        {
            AttemptOutcome.Delivered => "delivered",
            AttemptOutcome.Retry => "pending",
            _ => "dead",
        };
        long? status = result.StatusCode;
        await using (var scope = await BeginWriteAsync(cancellationToken).ConfigureAwait(false))
        {
            // A lease that lapsed but nobody took since still counts as held: recording a slow success beats sending it twice.
            var endpointId = (string?)await scope.Session.ScalarAsync(
                """
                UPDATE outbound_deliveries
                SET state = @state, attempts = attempts + 1, last_status = @status, last_error = @error, last_attempt_at = @started,
                    next_attempt_at = @next, delivered_at = @delivered, lease_owner = NULL, lease_until = NULL
                WHERE id = @id AND state = 'sending' AND lease_owner = @owner
                RETURNING endpoint_id
                """,
                [
                    ("id", deliveryId), ("owner", owner), ("state", state), ("status", status),
                    ("error", error), ("started", TaskColumns.Ms(result.StartedAt)),
                    ("next", result.Outcome == AttemptOutcome.Retry ? TaskColumns.Ms(result.RetryAt!.Value) : now),
                    ("delivered", result.Outcome == AttemptOutcome.Delivered ? now : null),
                ],
                cancellationToken).ConfigureAwait(false);
            if (endpointId is null)
            {
                return false;
            }
            await scope.Session.ExecuteAsync(
                $"""
                INSERT INTO outbound_attempts ({AttemptColumns})
                VALUES (@id, (SELECT COALESCE(MAX(number), 0) + 1 FROM outbound_attempts WHERE delivery_id = @id), @started, @duration,
                    @outcome, @status, @error, @excerpt)
                """,
                [
                    ("id", deliveryId), ("started", TaskColumns.Ms(result.StartedAt)), ("duration", (long)result.Duration.TotalMilliseconds),
                    ("outcome", outcome), ("status", status), ("error", error), ("excerpt", excerpt),
                ],
                cancellationToken).ConfigureAwait(false);
            if (result.Outcome == AttemptOutcome.Gone)
            {
                await scope.Session.ExecuteAsync(
                    "UPDATE outbound_endpoints SET active = 0, disabled_reason = @reason, updated_at = @now WHERE id = @id AND active = 1",
                    [("id", endpointId), ("reason", $"the receiver answered 410 Gone at {OutboundChecks.Iso(result.StartedAt)}"), ("now", now)],
                    cancellationToken).ConfigureAwait(false);
            }
            await CommitAsync(scope).ConfigureAwait(false);
        }
        return true;
    }

    public async Task<DateTimeOffset?> NextDeliveryDueAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        // Pending heads of chains of endpoints with room become claimable at their time; a sending delivery frees its
        // endpoint's room (and is itself claimable again) when its lease lapses, if its owner has not finished it first.
        var value = await new DbSession(connection, null).ScalarAsync(
            $"""
            WITH room AS (
                SELECT e.id AS endpoint_id, e.max_in_flight - (
                    SELECT COUNT(*) FROM outbound_deliveries s
                    WHERE s.endpoint_id = e.id AND s.state = 'sending' AND s.lease_until > @now) AS free
                FROM outbound_endpoints e WHERE e.active = 1
            )
            SELECT MIN(t) FROM (
                SELECT MIN(d.next_attempt_at) AS t FROM outbound_deliveries d JOIN room r ON r.endpoint_id = d.endpoint_id
                WHERE r.free > 0 AND d.state = 'pending' AND {HeadOfChain("d")}
                UNION ALL
                SELECT MIN(d.lease_until) AS t FROM outbound_deliveries d JOIN room r ON r.endpoint_id = d.endpoint_id
                WHERE d.state = 'sending'
            ) times
            """,
            [("now", NowMs())],
            cancellationToken).ConfigureAwait(false);
        return value is null ? null : TaskColumns.Time(Convert.ToInt64(value, CultureInfo.InvariantCulture));
    }

    public async Task<DeliveryPage> ListDeliveriesAsync(string endpointId, OutboundDeliveryState? state, long? beforeNumber, int limit, CancellationToken cancellationToken = default)
    {
        if (limit < 1 || limit > OutboundChecks.MaxListLimit)
        {
            throw new ValidationException("limit", $"is {limit}; list 1 to {OutboundChecks.MaxListLimit} deliveries at a time");
        }
        if (beforeNumber is < 1)
        {
            throw new ValidationException("before", "must be a delivery number (1 or more) from a previous page");
        }
        var stateName = state is { } s ? OutboundChecks.StateName(s) : null;
        if (!LooksLikeEndpointId(endpointId))
        {
            return new DeliveryPage([], null);
        }
        var sql = new StringBuilder($"SELECT {OutboundDeliveryColumns} FROM outbound_deliveries WHERE endpoint_id = @endpoint");
        var args = new List<(string Name, object? Value)> { ("endpoint", endpointId), ("limit", (long)limit + 1) };
        if (stateName is not null)
        {
            sql.Append(" AND state = @state");
            args.Add(("state", stateName));
        }
        if (beforeNumber is { } before)
        {
            sql.Append(" AND num < @before");
            args.Add(("before", before));
        }
        sql.Append(" ORDER BY num DESC LIMIT @limit");
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var rows = await new DbSession(connection, null).QueryAsync(sql.ToString(), args, ReadOutboundDelivery, cancellationToken).ConfigureAwait(false);
        if (rows.Count <= limit)
        {
            return new DeliveryPage(rows, null);
        }
        rows.RemoveAt(rows.Count - 1);
        return new DeliveryPage(rows, rows[^1].Number);
    }

    public async Task<OutboundDelivery?> GetDeliveryAsync(string deliveryId, CancellationToken cancellationToken = default)
    {
        if (!LooksLikeEndpointId(deliveryId))
        {
            return null;
        }
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await ReadDeliveryAsync(new DbSession(connection, null), deliveryId, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<OutboundAttempt>> ListAttemptsAsync(string deliveryId, CancellationToken cancellationToken = default)
    {
        if (!LooksLikeEndpointId(deliveryId))
        {
            return [];
        }
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await new DbSession(connection, null).QueryAsync(
            $"SELECT {AttemptColumns} FROM outbound_attempts WHERE delivery_id = @id ORDER BY number",
            [("id", deliveryId)],
            r => new OutboundAttempt(
                r.GetString(0),
                (int)r.GetInt64(1),
                TaskColumns.Time(r.GetInt64(2)),
                TimeSpan.FromMilliseconds(r.GetInt64(3)),
                OutboundChecks.ParseOutcome(r.GetString(4)),
                r.IsDBNull(5) ? null : (int)r.GetInt64(5),
                r.IsDBNull(6) ? null : r.GetString(6),
                r.IsDBNull(7) ? null : r.GetString(7)),
            cancellationToken).ConfigureAwait(false);
    }

    public async Task<OutboundDelivery?> RedeliverAsync(string deliveryId, CancellationToken cancellationToken = default)
    {
        if (!LooksLikeEndpointId(deliveryId))
        {
            return null;
        }
        OutboundDelivery? after;
        await using (var scope = await BeginWriteAsync(cancellationToken).ConfigureAwait(false))
        {
            await scope.Session.ExecuteAsync(
                """
                UPDATE outbound_deliveries SET state = 'pending', attempts = 0, next_attempt_at = @now, delivered_at = NULL
                WHERE id = @id AND state IN ('delivered', 'dead')
                """,
                [("id", deliveryId), ("now", NowMs())],
                cancellationToken).ConfigureAwait(false);
            after = await ReadDeliveryAsync(scope.Session, deliveryId, cancellationToken).ConfigureAwait(false);
            await CommitAsync(scope).ConfigureAwait(false);
        }
        return after;
    }

    public async Task<IReadOnlyDictionary<OutboundDeliveryState, long>> CountDeliveriesAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var rows = await new DbSession(connection, null).QueryAsync(
            "SELECT state, COUNT(*) FROM outbound_deliveries GROUP BY state",
            [],
            r => (State: OutboundChecks.ParseState(r.GetString(0)), Count: r.GetInt64(1)),
            cancellationToken).ConfigureAwait(false);
        var counts = Enum.GetValues<OutboundDeliveryState>().ToDictionary(s => s, _ => 0L);
        foreach (var (state, count) in rows)
        {
            counts[state] = count;
        }
        return counts;
    }

    /// <summary>
    /// One INSERT for a chunk of deliveries, each made only if its endpoint still exists (one removed while the
    /// events were being read gets nothing).
    /// </summary>
    private static Task InsertDeliveriesAsync(DbSession session, IReadOnlyList<NewOutboundDelivery> deliveries, long now, CancellationToken cancellationToken)
    {
        var sql = new StringBuilder(
            "INSERT INTO outbound_deliveries (id, endpoint_id, task_id, seq, event_type, payload, state, attempts, next_attempt_at, created_at) ");
        var args = new List<(string Name, object? Value)> { ("now", now) };
        for (var i = 0; i < deliveries.Count; i++)
        {
            var d = deliveries[i];
            sql.Append(CultureInfo.InvariantCulture, $"{(i == 0 ? "" : " UNION ALL ")}SELECT @i{i}, id, @t{i}, @s{i}, @y{i}, @p{i}, 'pending', 0, @now, @now FROM outbound_endpoints WHERE id = @e{i}");
            args.Add(($"i{i}", OutboundChecks.NewId("msg_")));
            args.Add(($"e{i}", d.EndpointId));
            args.Add(($"t{i}", d.TaskId));
            args.Add(($"s{i}", d.Sequence));
            args.Add(($"y{i}", d.EventType));
            args.Add(($"p{i}", d.Payload));
        }
        return session.ExecuteAsync(sql.ToString(), args, cancellationToken);
    }

    private static Task<OutboundDelivery?> ReadDeliveryAsync(DbSession session, string deliveryId, CancellationToken cancellationToken) =>
        session.QuerySingleAsync(
            $"SELECT {OutboundDeliveryColumns} FROM outbound_deliveries WHERE id = @id",
            [("id", deliveryId)],
            ReadOutboundDelivery,
            cancellationToken);

    private static OutboundDelivery ReadOutboundDelivery(DbDataReader r) => new(
        Id: r.GetString(0),
        Number: r.GetInt64(1),
        EndpointId: r.GetString(2),
        TaskId: r.GetString(3),
        Sequence: r.GetInt64(4),
        EventType: r.GetString(5),
        Payload: r.GetString(6),
        State: OutboundChecks.ParseState(r.GetString(7)),
        Attempts: (int)r.GetInt64(8),
        NextAttemptAt: TaskColumns.Time(r.GetInt64(9)),
        CreatedAt: TaskColumns.Time(r.GetInt64(10)),
        LastAttemptAt: r.IsDBNull(11) ? null : TaskColumns.Time(r.GetInt64(11)),
        DeliveredAt: r.IsDBNull(12) ? null : TaskColumns.Time(r.GetInt64(12)),
        LastStatusCode: r.IsDBNull(13) ? null : (int)r.GetInt64(13),
        LastError: r.IsDBNull(14) ? null : r.GetString(14));
}
