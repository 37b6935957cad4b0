using System.Data.Common;
using Nightshift.Core.Errors;
using Nightshift.Core.Tasks;

namespace Nightshift.Storage.Relational;

internal abstract partial class RelationalStore
{
    private const string DeliveryColumns = "forge, delivery_id, event, outcome, task_id, received_at";

    public async Task<bool> RecordDeliveryAsync(WebhookDelivery delivery, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        RequireDeliveryField("forge", delivery.Forge, WebhookDelivery.MaxForgeLength);
        RequireDeliveryField("deliveryId", delivery.DeliveryId, WebhookDelivery.MaxDeliveryIdLength);
        RequireDeliveryField("event", delivery.Event, WebhookDelivery.MaxEventLength);
        RequireDeliveryField("outcome", delivery.Outcome, WebhookDelivery.MaxOutcomeLength);
        if (delivery.TaskId is not null && !TaskId.LooksValid(delivery.TaskId))
        {
            throw new ValidationException("taskId", "is not a task id; leave it null when the delivery queued no task");
        }

        int inserted;
        await using (var scope = await BeginSingleStatementWriteAsync(CommitDurability.Required, cancellationToken).ConfigureAwait(false))
        {
            // The primary key decides between two receipts of one delivery: the second inserts nothing.
            inserted = await scope.Session.ExecuteAsync(
                $"""
                INSERT INTO webhook_deliveries ({DeliveryColumns})
                VALUES (@forge, @id, @event, @outcome, @task, @at)
                ON CONFLICT (forge, delivery_id) DO NOTHING
                """,
                [
                    ("forge", delivery.Forge), ("id", delivery.DeliveryId), ("event", delivery.Event),
                    ("outcome", delivery.Outcome), ("task", delivery.TaskId), ("at", TaskColumns.Ms(Now())),
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

    private static WebhookDelivery ReadDelivery(DbDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.IsDBNull(4) ? null : r.GetString(4), TaskColumns.Time(r.GetInt64(5)));

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
