using System.Collections.Concurrent;

namespace Nightshift.Server.Outbound;

/// <summary>
/// Each endpoint's <c>MaxPerMinute</c> on this server: starts spread evenly over the minute (one every 60 s / limit),
/// with a small burst of a tenth of the limit. A reservation is taken at once and says how long to wait for it.
/// </summary>
internal sealed class EndpointRateLimiter(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);

    /// <summary>Reserves the next start for the endpoint.</summary>
    /// <returns>how long to wait before starting (zero when it may start now, always zero without a limit).</returns>
    public TimeSpan Reserve(string endpointId, int perMinute)
    {
        if (perMinute <= 0)
        {
            return TimeSpan.Zero;
        }
        var bucket = _buckets.GetOrAdd(endpointId, _ => new Bucket());
        var interval = TimeSpan.FromTicks(TimeSpan.TicksPerMinute / perMinute);
        var burst = Math.Max(1, perMinute / 10);
        var now = time.GetUtcNow();
        lock (bucket)
        {
            // The cell-rate algorithm: starts are booked interval apart; up to burst of them may run ahead of now.
            var booked = bucket.Next > now ? bucket.Next : now;
            bucket.Next = booked + interval;
            var wait = booked - now - (interval * (burst - 1));
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }
    }

    /// <summary>Gives back a reservation not used (the delivery was not sent).</summary>
    public void Release(string endpointId, int perMinute)
    {
        if (perMinute <= 0 || !_buckets.TryGetValue(endpointId, out var bucket))
        {
            return;
        }
        lock (bucket)
        {
            bucket.Next -= TimeSpan.FromTicks(TimeSpan.TicksPerMinute / perMinute);
        }
    }

    private sealed class Bucket
    {
        public DateTimeOffset Next { get; set; } = DateTimeOffset.MinValue;
    }
}
