using System.Globalization;
using Npgsql;

namespace Nightshift.Bench.Fleet.Fleet;

/// <summary>What the harness reads from the run's database while it runs: running tasks (per worker process) and status counts.</summary>
public sealed class FleetStore(string connectionString)
{
    /// <summary>Ids of the tasks running now; only those leased by <paramref name="processId"/> when given (lease owner <c>machine:pid:slot</c>).</summary>
    public async Task<IReadOnlyList<string>> RunningTaskIdsAsync(int? processId, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id FROM tasks WHERE status = 'running'" + (processId is null ? "" : " AND lease_owner LIKE @owner") + " ORDER BY id";
        if (processId is { } pid)
        {
            command.Parameters.AddWithValue("owner", string.Create(CultureInfo.InvariantCulture, $"%:{pid}:%"));
        }
        var ids = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetString(0));
        }
        return ids;
    }

    /// <summary>How many tasks are in each status.</summary>
    public async Task<IReadOnlyDictionary<string, int>> StatusCountsAsync(CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT status, count(*) FROM tasks GROUP BY status";
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            counts[reader.GetString(0)] = (int)reader.GetInt64(1);
        }
        return counts;
    }

    /// <summary>Like <see cref="RunningTaskIdsAsync"/>, but an unreachable database (being restarted) gives an empty list and the reason.</summary>
    public async Task<(IReadOnlyList<string> Ids, string? Problem)> TryRunningTaskIdsAsync(int? processId, CancellationToken cancellationToken)
    {
        try
        {
            return (await RunningTaskIdsAsync(processId, cancellationToken), null);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            return ([], e.Message);
        }
    }
}
