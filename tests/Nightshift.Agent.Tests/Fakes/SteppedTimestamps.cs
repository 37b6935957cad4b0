namespace Nightshift.Agent.Tests.Fakes;

/// <summary>
/// A clock whose elapsed time (timestamps) moves only when a test says so, so a wall-time budget runs out on cue;
/// the wall clock and timers stay real.
/// </summary>
internal sealed class SteppedTimestamps : TimeProvider
{
    private long _ticks;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => Interlocked.Read(ref _ticks);

    public void Advance(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        Interlocked.Add(ref _ticks, by.Ticks);
    }
}
