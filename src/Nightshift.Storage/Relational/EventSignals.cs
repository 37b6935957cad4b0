using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace Nightshift.Storage.Relational;

/// <summary>
/// Wakes the followers of a task when it gets new events. All followers of one task share one waiter,
/// so hundreds of them cost one entry, and a pulse for a task nobody follows costs nothing.
/// </summary>
internal sealed class EventSignals
{
    /// <summary>Task ids a watcher may have waiting before the next one tells it to look at everything instead.</summary>
    public const int WatcherBuffer = 4_096;

    /// <summary>What a watcher is told when it may have missed ids (its buffer filled, or a notification channel was lost).</summary>
    public const string Everything = "*";

    private readonly ConcurrentDictionary<string, TaskCompletionSource> _waiters = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Watcher, byte> _watchers = new();

    /// <summary>Take this before reading, then await it after: an append in between is not missed.</summary>
    public Task WaitAsync(string taskId) =>
        _waiters.GetOrAdd(taskId, static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public void Pulse(string taskId)
    {
        if (_waiters.TryRemove(taskId, out var waiter))
        {
            waiter.TrySetResult();
        }
        foreach (var watcher in _watchers.Keys)
        {
            watcher.Tell(taskId);
        }
    }

    /// <summary>The ids of tasks pulsed from now on, until cancelled; <see cref="Everything"/> when some may have been missed.</summary>
    public async IAsyncEnumerable<string> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var watcher = new Watcher();
        _watchers.TryAdd(watcher, 0);
        try
        {
            while (true)
            {
                string next;
                try
                {
                    next = await watcher.ReadAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    yield break;
                }
                yield return next;
            }
        }
        finally
        {
            _watchers.TryRemove(watcher, out _);
        }
    }

    /// <summary>After a lost notification channel: everyone looks again.</summary>
    public void PulseAll()
    {
        foreach (var taskId in _waiters.Keys)
        {
            Pulse(taskId);
        }
        foreach (var watcher in _watchers.Keys)
        {
            watcher.Tell(Everything);
        }
    }

    /// <summary>One watcher's ids; a full buffer never blocks the appender, it turns into one <see cref="Everything"/>.</summary>
    private sealed class Watcher
    {
        private readonly Channel<string> _ids = Channel.CreateBounded<string>(new BoundedChannelOptions(WatcherBuffer)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.DropWrite,
        });

        private int _missed;

        public void Tell(string taskId)
        {
            if (!_ids.Writer.TryWrite(taskId))
            {
                Volatile.Write(ref _missed, 1);
            }
        }

        public async ValueTask<string> ReadAsync(CancellationToken cancellationToken)
        {
            if (Interlocked.Exchange(ref _missed, 0) == 1)
            {
                return Everything;
            }
            var id = await _ids.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            return Interlocked.Exchange(ref _missed, 0) == 1 ? Everything : id;
        }
    }
}
