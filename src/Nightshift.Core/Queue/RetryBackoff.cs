namespace Nightshift.Core.Queue;

/// <summary>
/// How long a task waits before its next attempt: the base delay doubled per attempt already made, capped,
/// then spread by jitter so tasks that failed together do not all return together.
/// </summary>
public static class RetryBackoff
{
    /// <param name="attemptsMade">attempts already started (1 after the first failure).</param>
    /// <param name="baseDelay">the wait after the first failure, before jitter.</param>
    /// <param name="maxDelay">no wait is longer than this, jitter included.</param>
    /// <param name="jitter">0 for none; 0.2 spreads the wait over ±20 %.</param>
    /// <param name="random">a number in [0, 1) that picks the point inside the jitter band.</param>
    public static TimeSpan Compute(int attemptsMade, TimeSpan baseDelay, TimeSpan maxDelay, double jitter, double random)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(baseDelay.Ticks, nameof(baseDelay));
        ArgumentOutOfRangeException.ThrowIfNegative(maxDelay.Ticks, nameof(maxDelay));
        if (jitter is < 0 or > 1 || double.IsNaN(jitter))
        {
            throw new ArgumentOutOfRangeException(nameof(jitter), jitter, "jitter must lie between 0 and 1");
        }

        // Beyond 2^30 the cap has long since won; stopping there keeps the arithmetic finite.
        var exponent = Math.Clamp(attemptsMade - 1, 0, 30);
        var raw = Math.Min(baseDelay.TotalMilliseconds * Math.Pow(2, exponent), maxDelay.TotalMilliseconds);
        var spread = raw * (1 + (jitter * ((2 * Math.Clamp(random, 0, 1)) - 1)));
        return TimeSpan.FromMilliseconds(Math.Clamp(spread, 0, maxDelay.TotalMilliseconds));
    }
}
