using System.Text.Json;
using Npgsql;

namespace Nightshift.Bench.Fleet.Checks;

/// <summary>A task's row as the checks need it (times in Unix milliseconds, as the store keeps them).</summary>
public sealed record StoredTask(string Id, string Status, long LastSeq, string? Branch, string? LastError, long CreatedAt, long? FinishedAt);

/// <summary>One stored event of a task.</summary>
public sealed record StoredEvent(string TaskId, long Seq, long Time, string Type, string Data)
{
    /// <summary>The event's data as JSON, or null when it is not a JSON object.</summary>
    public JsonElement? Json()
    {
        try
        {
            using var document = JsonDocument.Parse(Data);
            return document.RootElement.ValueKind == JsonValueKind.Object ? document.RootElement.Clone() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>A string property of the data, or null when it is missing or not a string.</summary>
    public string? Text(string property) =>
        Json() is { } json && json.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}

/// <summary>A stored pull request row: its task and branch.</summary>
public sealed record StoredPullRequest(string TaskId, string Branch, string Reference);

/// <summary>The run's tasks, their events in order and the pull request rows, read from the run's PostgreSQL database in one go.</summary>
public sealed class StoreSnapshot
{
    private StoreSnapshot(IReadOnlyDictionary<string, StoredTask> tasks, IReadOnlyDictionary<string, IReadOnlyList<StoredEvent>> events, IReadOnlyList<StoredPullRequest> pullRequests)
    {
        Tasks = tasks;
        Events = events;
        PullRequests = pullRequests;
    }

    public IReadOnlyDictionary<string, StoredTask> Tasks { get; }

    /// <summary>Each task's events ordered by sequence number (a task without events has none here).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<StoredEvent>> Events { get; }

    public IReadOnlyList<StoredPullRequest> PullRequests { get; }

    public IReadOnlyList<StoredEvent> EventsOf(string taskId) => Events.TryGetValue(taskId, out var events) ? events : [];

    public static async Task<StoreSnapshot> ReadAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);

        var tasks = new Dictionary<string, StoredTask>(StringComparer.Ordinal);
        await using (var command = new NpgsqlCommand("SELECT id, status, last_seq, branch, last_error, created_at, finished_at FROM tasks", connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var task = new StoredTask(
                    reader.GetString(0),
                    reader.GetString(1),
                    reader.GetInt64(2),
                    reader.IsDBNull(3) ? null : reader.GetString(3),
                    reader.IsDBNull(4) ? null : reader.GetString(4),
                    reader.GetInt64(5),
                    reader.IsDBNull(6) ? null : reader.GetInt64(6));
                tasks[task.Id] = task;
            }
        }

        var events = new Dictionary<string, List<StoredEvent>>(StringComparer.Ordinal);
        await using (var command = new NpgsqlCommand("SELECT task_id, seq, time, type, data FROM events ORDER BY task_id, seq", connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var stored = new StoredEvent(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetString(3), reader.GetString(4));
                if (!events.TryGetValue(stored.TaskId, out var list))
                {
                    events[stored.TaskId] = list = [];
                }
                list.Add(stored);
            }
        }

        var pullRequests = new List<StoredPullRequest>();
        await using (var command = new NpgsqlCommand("SELECT task_id, branch, reference FROM pull_requests", connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                pullRequests.Add(new StoredPullRequest(reader.GetString(0), reader.GetString(1), reader.GetString(2)));
            }
        }

        return new StoreSnapshot(
            tasks,
            events.ToDictionary(e => e.Key, e => (IReadOnlyList<StoredEvent>)e.Value, StringComparer.Ordinal),
            pullRequests);
    }
}
