using System.Net.Http.Headers;

namespace Nightshift.Models.Resilience;

/// <summary>Reads <c>Retry-After</c> in both its forms (seconds, HTTP-date) and the providers' millisecond variants.</summary>
internal static class RetryAfter
{
    public static TimeSpan? From(HttpResponseMessage response, DateTimeOffset now)
    {
        if (response.Headers.TryGetValues("retry-after-ms", out var msValues)
            && double.TryParse(msValues.FirstOrDefault(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var ms)
            && ms >= 0 && ms < TimeSpan.FromDays(1).TotalMilliseconds)
        {
            return TimeSpan.FromMilliseconds(ms);
        }
        return From(response.Headers.RetryAfter, now);
    }

    public static TimeSpan? From(RetryConditionHeaderValue? header, DateTimeOffset now)
    {
        if (header is null)
        {
            return null;
        }
        if (header.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }
        if (header.Date is { } date)
        {
            var wait = date - now;
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }
        return null;
    }
}
