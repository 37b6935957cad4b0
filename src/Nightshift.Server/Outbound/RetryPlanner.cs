using Nightshift.Storage.Outbound;

namespace Nightshift.Server.Outbound;

/// <summary>
/// Turns what a sender reports into what the store records: delivered, gone, dead, or pending again at the next time
/// of the retry schedule (±20 % jitter so that many failed deliveries do not return at once), or later when the
/// receiver's <c>Retry-After</c> asks for more.
/// </summary>
/// <param name="schedule">entry <c>n</c> is the wait before try <c>n + 1</c>; after the last entry's try, dead.</param>
/// <param name="jitter">a number in [0, 1) per call; <see cref="Random.Shared"/> outside tests.</param>
internal sealed class RetryPlanner(IReadOnlyList<TimeSpan> schedule, Func<double>? jitter = null)
{
    /// <summary>The spread of each wait: ±20 %.</summary>
    public const double JitterFraction = 0.2;

    private readonly Func<double> _jitter = jitter ?? Random.Shared.NextDouble;

    /// <summary>Tries in all before a delivery is dead.</summary>
    public int MaxTries => schedule.Count;

    /// <param name="attemptsBefore">tries made before this one (<see cref="OutboundDelivery.Attempts"/> as claimed).</param>
    public AttemptResult Plan(SendResult sent, int attemptsBefore, DateTimeOffset startedAt, TimeSpan duration)
    {
        ArgumentNullException.ThrowIfNull(sent);
        var finishedAt = startedAt + duration;
        switch (sent.Status)
        {
            case SendStatus.Delivered:
                return new AttemptResult(AttemptOutcome.Delivered, startedAt, duration, sent.StatusCode, null, sent.ResponseExcerpt);
            case SendStatus.Gone:
                return new AttemptResult(AttemptOutcome.Gone, startedAt, duration, sent.StatusCode, sent.Error, sent.ResponseExcerpt);
            case SendStatus.Refused:
                return new AttemptResult(AttemptOutcome.Dead, startedAt, duration, sent.StatusCode, sent.Error, sent.ResponseExcerpt);
        }
        var tries = attemptsBefore + 1;
        if (tries >= schedule.Count)
        {
            var error = $"{sent.Error} (gave up after {tries} tries: the last of Outbound:RetrySchedule)";
            return new AttemptResult(AttemptOutcome.Dead, startedAt, duration, sent.StatusCode, error, sent.ResponseExcerpt);
        }
        var wait = Jittered(schedule[tries]);
        if (sent.RetryAfter is { } asked && asked > wait)
        {
            wait = asked > OutboundResponses.MaxRetryAfter ? OutboundResponses.MaxRetryAfter : asked;
        }
        return new AttemptResult(AttemptOutcome.Retry, startedAt, duration, sent.StatusCode, sent.Error, sent.ResponseExcerpt, finishedAt + wait);
    }

    private TimeSpan Jittered(TimeSpan wait)
    {
        var factor = 1 + (((_jitter() * 2) - 1) * JitterFraction);
        return TimeSpan.FromTicks((long)(wait.Ticks * factor));
    }
}
