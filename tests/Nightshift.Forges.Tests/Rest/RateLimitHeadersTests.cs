using System.Net;
using Nightshift.Forges.Rest;

namespace Nightshift.Forges.Tests.Rest;

public sealed class RateLimitHeadersTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 9, 0, 0, TimeSpan.Zero);

    private static HttpResponseMessage Answer(int status, params (string Name, string Value)[] headers)
    {
        var response = new HttpResponseMessage((HttpStatusCode)status);
        foreach (var (name, value) in headers)
        {
            response.Headers.TryAddWithoutValidation(name, value);
        }
        return response;
    }

    [Theory]
    [InlineData("Retry-After", "30", 30)]
    [InlineData("Retry-After", "Thu, 01 Jan 2026 09:01:00 GMT", 60)]
    [InlineData("Retry-After", "Thu, 01 Jan 2026 08:00:00 GMT", 0)]
    [InlineData("RateLimit-Reset", "1767258045", 45)]
    [InlineData("X-RateLimit-Reset", "15", 15)]
    [InlineData("X-RateLimit-Reset", "99999999999999", 86_400)]
    public void RequestedWait_Header_GivesTheWait(string name, string value, int seconds)
    {
        using var response = Answer(429, (name, value));

        RateLimitHeaders.RequestedWait(response, Now).ShouldBe(TimeSpan.FromSeconds(seconds));
    }

    [Theory]
    [InlineData("Retry-After", "soon")]
    [InlineData("Retry-After", "-5")]
    [InlineData("RateLimit-Reset", "-1")]
    [InlineData("RateLimit-Reset", "12.5")]
    [InlineData("X-RateLimit-Reset", "999999999999999999999999")]
    public void RequestedWait_MalformedHeader_IsNoWait(string name, string value)
    {
        using var response = Answer(429, (name, value));

        RateLimitHeaders.RequestedWait(response, Now).ShouldBeNull();
    }

    [Fact]
    public void IsRateLimited_403WithNothingRemaining_IsOne()
    {
        using var limited = Answer(403, ("X-RateLimit-Remaining", "0"));
        using var forbidden = Answer(403, ("X-RateLimit-Remaining", "10"));
        using var plain = Answer(403);

        RateLimitHeaders.IsRateLimited(limited).ShouldBeTrue();
        RateLimitHeaders.IsRateLimited(forbidden).ShouldBeFalse();
        RateLimitHeaders.IsRateLimited(plain).ShouldBeFalse();
    }
}
