using System.Globalization;
using System.Text.Json;
using Nightshift.Core.Events;
using Nightshift.Core.Events.Payloads;
using Nightshift.Core.Serialization;
using Nightshift.Core.Tasks;

namespace Nightshift.Storage.Relational;

internal abstract partial class RelationalStore
{
    public async Task<IReadOnlyList<TaskHolder>> FindHoldersAsync(IReadOnlyCollection<string> taskIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(taskIds);
        if (taskIds.Count > ITaskHolders.MaxIds)
        {
            throw new ArgumentException($"{taskIds.Count} task ids asked about at once; ask about at most {ITaskHolders.MaxIds} per call", nameof(taskIds));
        }
        var ids = taskIds.Where(TaskId.LooksValid).Distinct(StringComparer.Ordinal).ToList();
        if (ids.Count == 0)
        {
            return [];
        }
        var args = new List<(string Name, object? Value)> { ("started", EventTypes.TaskStarted) };
        args.AddRange(ids.Select((id, i) => ($"id{i.ToString(CultureInfo.InvariantCulture)}", (object?)id)));
        var list = string.Join(", ", ids.Select((_, i) => $"@id{i.ToString(CultureInfo.InvariantCulture)}"));
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await new DbSession(connection, null).QueryAsync(
            $"""
            SELECT t.id, t.status, t.lease_owner,
                (SELECT e.data FROM events e WHERE e.task_id = t.id AND e.type = @started ORDER BY e.seq DESC LIMIT 1)
            FROM tasks t WHERE t.id IN ({list})
            """,
            args,
            r => new TaskHolder(
                r.GetString(0),
                TaskStateNames.ParseStatus(r.GetString(1)),
                r.IsDBNull(2) ? null : r.GetString(2),
                r.IsDBNull(3) ? null : StartedBy(r.GetString(3))),
            cancellationToken).ConfigureAwait(false);
    }

    private static string? StartedBy(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<TaskStartedPayload>(json, NightshiftJson.Options)?.Worker;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
