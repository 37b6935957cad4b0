using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Nightshift.Storage;

namespace Nightshift.Server.Streaming;

/// <summary>
/// The stream's shared side: counts connections against <c>Stream:MaxConnections</c>, and runs the one watcher of
/// <see cref="IEventLog.WatchEventActivityAsync"/> that tells each connection which tasks got new events (with the
/// task's repository, looked up once per task), so a thousand connections cost one watcher and one lookup per task.
/// </summary>
internal sealed partial class StreamHub(INightshiftStore store, IOptions<StreamOptions> options, ILogger<StreamHub> logger) : BackgroundService
{
    /// <summary>Task repositories remembered; a task's repository never changes, so the cache is only bounded, not expired.</summary>
    private const int RepositoryCacheSize = 20_000;

    private readonly ConcurrentDictionary<StreamConnection, byte> _connections = new();
    private readonly ConcurrentDictionary<string, string> _repositories = new(StringComparer.Ordinal);
    private int _count;
    private long _closedTooSlow;

    /// <summary>Connections open now.</summary>
    public int Connections => Volatile.Read(ref _count);

    /// <summary>Connections closed because their client did not keep up, since the server started.</summary>
    public long ClosedTooSlow => Interlocked.Read(ref _closedTooSlow);

    /// <summary>Takes a connection slot; false when <c>Stream:MaxConnections</c> are open already.</summary>
    public bool TryEnter()
    {
        if (Interlocked.Increment(ref _count) <= options.Value.MaxConnections)
        {
            return true;
        }
        Interlocked.Decrement(ref _count);
        return false;
    }

    public void Leave() => Interlocked.Decrement(ref _count);

    public void Add(StreamConnection connection) => _connections.TryAdd(connection, 0);

    public void Remove(StreamConnection connection) => _connections.TryRemove(connection, out _);

    public void CountTooSlow() => Interlocked.Increment(ref _closedTooSlow);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await foreach (var taskId in store.WatchEventActivityAsync(stoppingToken))
                {
                    await DispatchAsync(taskId, stoppingToken);
                }
                return;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                LogWatchFailed(logger, exception);
                // Whatever was missed meanwhile: every connection looks again.
                foreach (var connection in _connections.Keys)
                {
                    connection.Notify(StreamConnection.Everything, null);
                }
            }
        }
    }

    private async Task DispatchAsync(string taskId, CancellationToken cancellationToken)
    {
        if (_connections.IsEmpty)
        {
            return;
        }
        if (taskId == StreamConnection.Everything)
        {
            foreach (var connection in _connections.Keys)
            {
                connection.Notify(taskId, null);
            }
            return;
        }
        string? repository = null;
        foreach (var connection in _connections.Keys)
        {
            if (repository is null && connection.HasScope)
            {
                repository = await RepositoryOfAsync(taskId, cancellationToken);
            }
            connection.Notify(taskId, repository);
        }
    }

    private async Task<string?> RepositoryOfAsync(string taskId, CancellationToken cancellationToken)
    {
        if (_repositories.TryGetValue(taskId, out var known))
        {
            return known;
        }
        try
        {
            var task = await store.FindAsync(taskId, cancellationToken);
            if (task is null)
            {
                return null;
            }
            if (_repositories.Count >= RepositoryCacheSize)
            {
                _repositories.Clear();
            }
            _repositories[taskId] = task.Repo;
            return task.Repo;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogLookupFailed(logger, taskId, exception);
            return null;
        }
    }

    [LoggerMessage(EventId = 3466, Level = LogLevel.Warning, Message = "The stream's watch for new task events failed; every connection looks at its tasks again")]
    private static partial void LogWatchFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3467, Level = LogLevel.Warning, Message = "The stream could not look up the repository of task {TaskId}; repository and all subscriptions miss it until its next event")]
    private static partial void LogLookupFailed(ILogger logger, string taskId, Exception exception);
}
