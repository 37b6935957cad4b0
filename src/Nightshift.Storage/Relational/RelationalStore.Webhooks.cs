using System.Data.Common;
using Nightshift.Core.Errors;
using Nightshift.Core.Tasks;

namespace Nightshift.Storage.Relational;

internal abstract partial class RelationalStore
{
    private const string DeliveryColumns = "forge, delivery_id, event, outcome, task_id, received_at, reason";

    private const string ClaimColumns = "forge, delivery_id, event, trigger_json, attempts, lease_token, received_at";

    public Task<bool> RecordDeliveryAsync(WebhookDelivery delivery, CancellationToken cancellationToken = default) =>
        InsertDeliveryAsync(delivery, null, cancellationToken);

    public Task<bool> RecordTriggerAsync(WebhookDelivery delivery, string triggerJson, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(triggerJson) || triggerJson.Length > WebhookDelivery.MaxTriggerLength || triggerJson.Contains('\0', StringComparison.Ordinal))
        {
            throw new ValidationException("trigger", $"must be the trigger as JSON, at most {WebhookDelivery.MaxTriggerLength} characters");
        }
        return InsertDeliveryAsync(delivery, triggerJson, cancellationToken);
    }

    private async Task<bool> InsertDeliveryAsync(WebhookDelivery delivery, string? triggerJson, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        RequireDeliveryField("forge", delivery.Forge, WebhookDelivery.MaxForgeLength);
        RequireDeliveryField("deliveryId", delivery.DeliveryId, WebhookDelivery.MaxDeliveryIdLength);
        RequireDeliveryField("event", delivery.Event, WebhookDelivery.MaxEventLength);
        RequireDeliveryField("outcome", delivery.Outcome, WebhookDelivery.MaxOutcomeLength);
        RequireTaskIdOrNull(delivery.TaskId);

        var now = TaskColumns.Ms(Now());
        int inserted;
        await using (var scope = await BeginSingleStatementWriteAsync(CommitDurability.Required, cancellationToken).ConfigureAwait(false))
        {
            // The primary key decides between two receipts of one delivery: the second inserts nothing.
            inserted = await scope.Session.ExecuteAsync(
                """
                INSERT INTO webhook_deliveries (forge, delivery_id, event, outcome, task_id, received_at, reason, trigger_json, state, run_after, updated_at)
                VALUES (@forge, @id, @event, @outcome, @task, @at, @reason, @trigger, @state, @at, @at)
                ON CONFLICT (forge, delivery_id) DO NOTHING
                """,
                [
                    ("forge", delivery.Forge), ("id", delivery.DeliveryId), ("event", delivery.Event),
                    ("outcome", delivery.Outcome), ("task", delivery.TaskId), ("at", now),
                    ("reason", Reason(delivery.Reason)), ("trigger", triggerJson), ("state", triggerJson is null ? null : "pending"),
                ],
                CancellationToken.None).ConfigureAwait(false);
            await CommitAsync(scope).ConfigureAwait(false);
        }
        return inserted > 0;
    }

    public async Task<WebhookDelivery?> FindDeliveryAsync(string forge, string deliveryId, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(forge) || string.IsNullOrEmpty(deliveryId)
            || forge.Length > WebhookDelivery.MaxForgeLength || deliveryId.Length > WebhookDelivery.MaxDeliveryIdLength)
        {
            return null;
        }
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await new DbSession(connection, null).QuerySingleAsync(
            $"SELECT {DeliveryColumns} FROM webhook_deliveries WHERE forge = @forge AND delivery_id = @id",
            [("forge", forge), ("id", deliveryId)],
            ReadDelivery,
            cancellationToken).ConfigureAwait(false);
    }

    public async Task<PendingTrigger?> ClaimTriggerAsync(string owner, TimeSpan lease, CancellationToken cancellationToken = default)
    {
        RequireDeliveryField("owner", owner, 200);
        if (lease <= TimeSpan.Zero || lease > TimeSpan.FromHours(1))
        {
            throw new ArgumentOutOfRangeException(nameof(lease), lease, "a trigger's lease lasts more than nothing and at most an hour");
        }
        var now = TaskColumns.Ms(Now());
        PendingTrigger? claimed;
        await using (var scope = await BeginSingleStatementWriteAsync(CommitDurability.FencedIfLost, cancellationToken).ConfigureAwait(false))
        {
            // The outer WHERE repeats the subquery's test: on PostgreSQL a claimer that waited on the row sees it again
            // after the other's commit and takes nothing when the row is no longer free.
            claimed = await scope.Session.QuerySingleAsync(
                $"""
                UPDATE webhook_deliveries
                SET attempts = attempts + 1, lease_owner = @owner, lease_token = @token, lease_until = @until, updated_at = @now
                WHERE (forge, delivery_id) = (
                    SELECT forge, delivery_id FROM webhook_deliveries
                    WHERE state = 'pending' AND run_after <= @now AND (lease_until IS NULL OR lease_until <= @now)
                    ORDER BY run_after, received_at, delivery_id
                    LIMIT 1{SkipLockedClause})
                AND state = 'pending' AND (lease_until IS NULL OR lease_until <= @now)
                RETURNING {ClaimColumns}
                """,
                [("owner", owner), ("token", Guid.NewGuid().ToString("N")), ("until", now + (long)lease.TotalMilliseconds), ("now", now)],
                r => new PendingTrigger(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), Convert.ToInt32(r.GetInt64(4)), r.GetString(5), TaskColumns.Time(r.GetInt64(6))),
                CancellationToken.None).ConfigureAwait(false);
            await CommitAsync(scope).ConfigureAwait(false);
        }
        return claimed;
    }

    public async Task<bool> FinishTriggerAsync(PendingTrigger claim, string outcome, string? taskId, string? reason, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(claim);
        RequireDeliveryField("outcome", outcome, WebhookDelivery.MaxOutcomeLength);
        RequireTaskIdOrNull(taskId);
        return await UpdateClaimAsync(
            claim,
            "state = 'done', outcome = @outcome, task_id = @task, reason = @reason, run_after = NULL",
            [("outcome", outcome), ("task", taskId), ("reason", Reason(reason))],
            cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> ReleaseTriggerAsync(PendingTrigger claim, DateTimeOffset? retryAt, string reason, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(claim);
        return retryAt is { } at
            ? await UpdateClaimAsync(claim, "reason = @reason, run_after = @after", [("reason", Reason(reason)), ("after", TaskColumns.Ms(at))], cancellationToken).ConfigureAwait(false)
            : await UpdateClaimAsync(claim, "state = 'failed', outcome = 'failed', reason = @reason, run_after = NULL", [("reason", Reason(reason))], cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> TryReserveNoticeAsync(string key, TimeSpan window, CancellationToken cancellationToken = default)
    {
        RequireDeliveryField("key", key, 500);
        var now = TaskColumns.Ms(Now());
        int changed;
        await using (var scope = await BeginSingleStatementWriteAsync(CommitDurability.Required, cancellationToken).ConfigureAwait(false))
        {
            // One statement: of two servers racing for the same notice, the row's lock lets one insert or move it.
            changed = await scope.Session.ExecuteAsync(
                """
                INSERT INTO webhook_notices (notice_key, sent_at) VALUES (@key, @now)
                ON CONFLICT (notice_key) DO UPDATE SET sent_at = excluded.sent_at WHERE webhook_notices.sent_at <= @before
                """,
                [("key", key), ("now", now), ("before", now - (long)window.TotalMilliseconds)],
                CancellationToken.None).ConfigureAwait(false);
            await CommitAsync(scope).ConfigureAwait(false);
        }
        return changed > 0;
    }

    private async Task<bool> UpdateClaimAsync(PendingTrigger claim, string set, List<(string Name, object? Value)> args, CancellationToken cancellationToken)
    {
        args.Add(("forge", claim.Forge));
        args.Add(("id", claim.DeliveryId));
        args.Add(("token", claim.LeaseToken));
        args.Add(("now", TaskColumns.Ms(Now())));
        int changed;
        await using (var scope = await BeginSingleStatementWriteAsync(CommitDurability.Required, cancellationToken).ConfigureAwait(false))
        {
            // Fenced by the token and the lease's end: a processor that lost its claim changes nothing.
            changed = await scope.Session.ExecuteAsync(
                $"""
                UPDATE webhook_deliveries SET {set}, lease_owner = NULL, lease_token = NULL, lease_until = NULL, updated_at = @now
                WHERE forge = @forge AND delivery_id = @id AND state = 'pending' AND lease_token = @token AND lease_until > @now
                """,
                args,
                CancellationToken.None).ConfigureAwait(false);
            await CommitAsync(scope).ConfigureAwait(false);
        }
        return changed > 0;
    }

    private static WebhookDelivery ReadDelivery(DbDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.IsDBNull(4) ? null : r.GetString(4), TaskColumns.Time(r.GetInt64(5)),
        r.IsDBNull(6) ? null : r.GetString(6));

    private static string? Reason(string? reason)
    {
        if (reason is null)
        {
            return null;
        }
        var clean = reason.Replace('\0', '\uFFFD');
        return clean.Length <= WebhookDelivery.MaxReasonLength ? clean : clean[..(WebhookDelivery.MaxReasonLength - 1)] + "…";
    }

    private static void RequireTaskIdOrNull(string? taskId)
    {
        if (taskId is not null && !TaskId.LooksValid(taskId))
        {
            throw new ValidationException("taskId", "is not a task id; leave it null when the delivery queued no task");
        }
    }

    private static void RequireDeliveryField(string field, string? value, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new ValidationException(field, "is missing; a webhook delivery record needs it");
        }
        if (value.Length > maxLength || value.Any(char.IsControl))
        {
            throw new ValidationException(field, $"must be at most {maxLength} printable characters");
        }
    }
}
