namespace Nightshift.TestKit.Time;

/// <summary>
/// A clock tests move by hand, so leases and backoffs expire without waiting. Only the wall clock is manual:
/// timers and timestamps stay real, so polling fallbacks and test timeouts still fire.
/// </summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private readonly Lock _gate = new();
    private DateTimeOffset _now = start;

    public ManualClock() : this(new DateTimeOffset(2026, 1, 1, 9, 0, 0, TimeSpan.Zero))
    {
    }

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
        {
            return _now;
        }
    }

    public void Advance(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        lock (_gate)
        {
            _now += by;
        }
    }

    public void Set(DateTimeOffset to)
    {
        lock (_gate)
        {
            if (to < _now)
            {
                throw new ArgumentOutOfRangeException(nameof(to), to, "a clock does not go backwards");
            }
            _now = to;
        }
    }
}
