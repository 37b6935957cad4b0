namespace Nightshift.Storage.Relational;

/// <summary>
/// Wakes workers waiting for work. A pulse with nobody waiting is remembered once, so a worker that found
/// nothing a moment before the pulse does not sleep through it.
/// </summary>
internal sealed class WorkSignal
{
    private readonly Lock _gate = new();
    private TaskCompletionSource? _waiters;
    private bool _pending;

    public void Pulse()
    {
        TaskCompletionSource? wake;
        lock (_gate)
        {
            wake = _waiters;
            _waiters = null;
            if (wake is null)
            {
                _pending = true;
            }
        }
        wake?.TrySetResult();
    }

    public Task WaitAsync()
    {
        lock (_gate)
        {
            if (_pending)
            {
                _pending = false;
                return Task.CompletedTask;
            }
            _waiters ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _waiters.Task;
        }
    }
}
