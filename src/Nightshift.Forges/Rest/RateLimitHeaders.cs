using System.Globalization;

namespace Nightshift.Forges.Rest;

/// <summary>How long a forge asked to wait: Retry-After (seconds or a date), else RateLimit-Reset / X-RateLimit-Reset.</summary>
internal static class RateLimitHeaders
{
    /// <summary>Reset values above this are Unix times (GitLab, GitHub); below it they are seconds from now (the IETF draft).</summary>
    private const long EpochThreshold = 1_000_000_000;

    private static readonly TimeSpan Longest = TimeSpan.FromDays(1);

    public static TimeSpan? RequestedWait(HttpResponseMessage response, DateTimeOffset now)
    {
        if (response.Headers.RetryAfter is { } retryAfter)
        {
            if (retryAfter.Delta is { } delta)
            {
                return Clamp(delta);
            }
            if (retryAfter.Date is { } date)
            {
                return Clamp(date - now);
            }
        }
        foreach (var name in new[] { "RateLimit-Reset", "X-RateLimit-Reset" })
        {
            if (response.Headers.TryGetValues(name, out var values)
                && long.TryParse(values.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var reset))
            {
                return reset > EpochThreshold
                    ? Clamp(DateTimeOffset.FromUnixTimeSeconds(Math.Min(reset, 253_402_300_799)) - now)
                    : Clamp(TimeSpan.FromSeconds(reset));
            }
        }
        return null;
    }

    /// <summary>429, or a 403 that says no calls are left (how GitHub-style rate limits answer).</summary>
    public static bool IsRateLimited(HttpResponseMessage response)
    {
        if ((int)response.StatusCode == 429)
        {
            return true;
        }
        if ((int)response.StatusCode != 403)
        {
            return false;
        }
        foreach (var name in new[] { "RateLimit-Remaining", "X-RateLimit-Remaining" })
        {
            if (response.Headers.TryGetValues(name, out var values) && values.FirstOrDefault()?.Trim() == "0")
            {
                return true;
            }
        }
        return false;
    }

    private static TimeSpan Clamp(TimeSpan wait) => wait < TimeSpan.Zero ? TimeSpan.Zero : wait > Longest ? Longest : wait;
}
