using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Nightshift.Storage.Postgres;

/// <summary>
/// Sends NOTIFY for committed writes from its own connection, after the commit and coalesced. A NOTIFY inside the
/// writing transaction would hold PostgreSQL's notification lock through that commit's WAL flush and so serialise
/// every commit; here the durable commits group freely and the notifications ride a non-durable transaction
/// (synchronous_commit off — a lost notification only costs a poll interval).
/// </summary>
internal sealed partial class PostgresNotifier : IAsyncDisposable
{
    private const int MaxBatch = 1_000;

    // PostgreSQL refuses payloads of 8000 bytes or more; task ids are ASCII.
    private const int MaxPayloadChars = 7_900;

    private readonly Channel<string> _pending = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stop = new();
    private readonly string _connectionString;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Task _loop;

    public PostgresNotifier(NpgsqlConnectionStringBuilder builder, TimeProvider time, ILogger logger)
    {
        var own = new NpgsqlConnectionStringBuilder(builder.ConnectionString) { Pooling = false };
        own.Options = string.IsNullOrWhiteSpace(own.Options) ? "-c synchronous_commit=off" : own.Options + " -c synchronous_commit=off";
        _connectionString = own.ConnectionString;
        _time = time;
        _logger = logger;
        _loop = Task.Run(() => RunAsync(_stop.Token), CancellationToken.None);
    }

    /// <summary>Queues a wake-up for workers elsewhere.</summary>
    public void Work() => _pending.Writer.TryWrite("");

    /// <summary>Queues a wake-up for followers of <paramref name="taskId"/> elsewhere.</summary>
    public void Events(string taskId) => _pending.Writer.TryWrite(taskId);

    public async ValueTask DisposeAsync()
    {
        _pending.Writer.TryComplete();
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }

    private async Task RunAsync(CancellationToken stoppingToken)
    {
        NpgsqlConnection? connection = null;
        var batch = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            while (await _pending.Reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                batch.Clear();
                while (batch.Count < MaxBatch && _pending.Reader.TryRead(out var item))
                {
                    batch.Add(item);
                }
                try
                {
                    if (connection is null)
                    {
                        connection = new NpgsqlConnection(_connectionString);
                        await connection.OpenAsync(stoppingToken).ConfigureAwait(false);
                    }
                    await SendAsync(connection, batch, stoppingToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is NpgsqlException or IOException or InvalidOperationException or TimeoutException)
                {
                    LogNotifyFailed(_logger, batch.Count, ex.Message);
                    if (connection is not null)
                    {
                        await connection.DisposeAsync().ConfigureAwait(false);
                        connection = null;
                    }
                    await Task.Delay(TimeSpan.FromSeconds(1), _time, stoppingToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            if (connection is not null)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// One notification for work and as few as possible for events: task ids travel space-separated, many to a
    /// payload, since every notification costs each listening backend a wake-up and a message.
    /// </summary>
    private static async Task SendAsync(NpgsqlConnection connection, HashSet<string> batch, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        var calls = new List<string>();
        if (batch.Contains(""))
        {
            calls.Add($"pg_notify('{PostgresStore.WorkChannel}', '')");
        }
        var payload = new StringBuilder();
        foreach (var taskId in batch)
        {
            if (taskId.Length == 0)
            {
                continue;
            }
            if (payload.Length + taskId.Length + 1 > MaxPayloadChars)
            {
                Flush();
            }
            payload.Append(payload.Length == 0 ? "" : " ").Append(taskId);
        }
        Flush();
        command.CommandText = "SELECT " + string.Join(", ", calls);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);

        void Flush()
        {
            if (payload.Length == 0)
            {
                return;
            }
            var name = $"t{calls.Count}";
            calls.Add($"pg_notify('{PostgresStore.EventsChannel}', @{name})");
            command.Parameters.AddWithValue(name, payload.ToString());
            payload.Clear();
        }
    }

    [LoggerMessage(EventId = 2102, Level = LogLevel.Warning, Message = "Could not send {Count} PostgreSQL notifications ({Error}); other processes will notice by polling")]
    private static partial void LogNotifyFailed(ILogger logger, int count, string error);
}
