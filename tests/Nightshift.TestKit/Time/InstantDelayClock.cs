namespace Nightshift.TestKit.Time;

/// <summary>
/// A clock whose timers fire at once, moving its wall clock forward by the time they asked for, and which keeps every
/// delay asked of it: a retry that honours Retry-After is checked by what it asked to wait, without the wait.
/// </summary>
public sealed class InstantDelayClock(DateTimeOffset start) : TimeProvider
{
    private readonly Lock _gate = new();
    private readonly List<TimeSpan> _delays = [];
    private DateTimeOffset _now = start;

    public InstantDelayClock() : this(new DateTimeOffset(2026, 1, 1, 9, 0, 0, TimeSpan.Zero))
    {
    }

    /// <summary>Every finite delay a timer was created or changed with, in order.</summary>
    public IReadOnlyList<TimeSpan> Delays
    {
        get
        {
            lock (_gate)
            {
                return [.. _delays];
            }
        }
    }

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
        {
            return _now;
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new InstantTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    private void Fire(TimeSpan delay, TimerCallback callback, object? state)
    {
        lock (_gate)
        {
            _delays.Add(delay);
            _now += delay;
        }
        // Never on the caller's stack: the code that created the timer may not have stored it yet.
        ThreadPool.QueueUserWorkItem(_ => callback(state));
    }

    private sealed class InstantTimer(InstantDelayClock clock, TimerCallback callback, object? state) : ITimer
    {
        private int _disposed;

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            if (Volatile.Read(ref _disposed) == 1)
            {
                return false;
            }
            if (dueTime != Timeout.InfiniteTimeSpan && dueTime >= TimeSpan.Zero)
            {
                clock.Fire(dueTime, callback, state);
            }
            return true;
        }

        public void Dispose() => Interlocked.Exchange(ref _disposed, 1);

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
