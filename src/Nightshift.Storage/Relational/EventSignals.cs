using System.Collections.Concurrent;

namespace Nightshift.Storage.Relational;

/// <summary>
/// Wakes the followers of a task when it gets new events. All followers of one task share one waiter,
/// so hundreds of them cost one entry, and a pulse for a task nobody follows costs nothing.
/// </summary>
internal sealed class EventSignals
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _waiters = new(StringComparer.Ordinal);

    /// <summary>Take this before reading, then await it after: an append in between is not missed.</summary>
    public Task WaitAsync(string taskId) =>
        _waiters.GetOrAdd(taskId, static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public void Pulse(string taskId)
    {
        if (_waiters.TryRemove(taskId, out var waiter))
        {
            waiter.TrySetResult();
        }
    }

    /// <summary>After a lost notification channel: everyone looks again.</summary>
    public void PulseAll()
    {
        foreach (var taskId in _waiters.Keys)
        {
            Pulse(taskId);
        }
    }
}
