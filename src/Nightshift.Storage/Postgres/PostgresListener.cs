using Microsoft.Extensions.Logging;
using Nightshift.Storage.Relational;
using Npgsql;

namespace Nightshift.Storage.Postgres;

/// <summary>
/// One LISTEN connection per store: turns other processes' NOTIFYs into the same in-process signals local writes
/// raise. If the connection drops it reconnects, and wakes everyone once, since notifications may have been missed.
/// </summary>
internal sealed partial class PostgresListener(NpgsqlDataSource dataSource, RelationalStore store, TimeProvider time, ILogger logger) : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        _loop = Task.Run(() => RunAsync(connection, _stop.Token), CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        _stop.Dispose();
    }

    private async Task<NpgsqlConnection> ConnectAsync(CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        connection.Notification += OnNotification;
        await using var command = connection.CreateCommand();
        command.CommandText = $"LISTEN {PostgresStore.WorkChannel}; LISTEN {PostgresStore.EventsChannel}";
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return connection;
    }

    private async Task RunAsync(NpgsqlConnection connection, CancellationToken stoppingToken)
    {
        NpgsqlConnection? current = connection;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                current ??= await ConnectAsync(stoppingToken).ConfigureAwait(false);
                await current.WaitAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or IOException)
            {
                LogListenerLost(logger, ex.Message);
                if (current is not null)
                {
                    current.Notification -= OnNotification;
                    await current.DisposeAsync().ConfigureAwait(false);
                    current = null;
                }
                store.WorkSignal.Pulse();
                store.EventSignals.PulseAll();
                await Task.Delay(TimeSpan.FromSeconds(1), time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
        if (current is not null)
        {
            current.Notification -= OnNotification;
            await current.DisposeAsync().ConfigureAwait(false);
        }
    }

    private void OnNotification(object sender, NpgsqlNotificationEventArgs e)
    {
        if (e.Channel == PostgresStore.WorkChannel)
        {
            store.WorkSignal.Pulse();
        }
        else if (e.Channel == PostgresStore.EventsChannel)
        {
            foreach (var taskId in e.Payload.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                store.EventSignals.Pulse(taskId);
            }
        }
    }

    [LoggerMessage(EventId = 2101, Level = LogLevel.Warning, Message = "Lost the PostgreSQL notification connection ({Error}); reconnecting, and polling meanwhile")]
    private static partial void LogListenerLost(ILogger logger, string error);
}
