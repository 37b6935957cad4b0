using Nightshift.Server.Outbound;
using Nightshift.TestKit.Time;

namespace Nightshift.Server.Tests.Outbound;

public sealed class EndpointRateLimiterTests
{
    [Fact]
    public void Reserve_NoLimit_NeverWaits()
    {
        var limiter = new EndpointRateLimiter(new ManualClock());

        Enumerable.Range(0, 1000).Select(_ => limiter.Reserve("we_1", 0)).ShouldAllBe(w => w == TimeSpan.Zero);
    }

    [Fact]
    public void Reserve_SixtyAMinute_AllowsABurstOfSixThenOneASecond()
    {
        var limiter = new EndpointRateLimiter(new ManualClock());

        var waits = Enumerable.Range(0, 9).Select(_ => limiter.Reserve("we_1", 60)).ToList();

        waits.Take(6).ShouldAllBe(w => w == TimeSpan.Zero);
        waits[6].ShouldBe(TimeSpan.FromSeconds(1));
        waits[7].ShouldBe(TimeSpan.FromSeconds(2));
        waits[8].ShouldBe(TimeSpan.FromSeconds(3));
    }

    [Fact]
    public void Reserve_AfterTimePasses_RefillsAtTheRate()
    {
        var clock = new ManualClock();
        var limiter = new EndpointRateLimiter(clock);
        limiter.Reserve("we_1", 1);
        limiter.Reserve("we_1", 1).ShouldBe(TimeSpan.FromMinutes(1));

        clock.Advance(TimeSpan.FromMinutes(5));

        limiter.Reserve("we_1", 1).ShouldBe(TimeSpan.Zero);
    }

    [Fact]
    public void Reserve_OverAMinute_StartsAtMostTheLimitPlusTheBurst()
    {
        var clock = new ManualClock();
        var limiter = new EndpointRateLimiter(clock);
        var started = 0;
        for (var second = 0; second < 60; second++)
        {
            for (var i = 0; i < 100; i++)
            {
                if (limiter.Reserve("we_1", 30) == TimeSpan.Zero)
                {
                    started++;
                }
                else
                {
                    limiter.Release("we_1", 30);
                }
            }
            clock.Advance(TimeSpan.FromSeconds(1));
        }

        started.ShouldBeInRange(30, 33);
    }

    [Fact]
    public void Reserve_EndpointsAreLimitedApart()
    {
        var limiter = new EndpointRateLimiter(new ManualClock());
        limiter.Reserve("we_1", 1);

        limiter.Reserve("we_1", 1).ShouldBeGreaterThan(TimeSpan.Zero);
        limiter.Reserve("we_2", 1).ShouldBe(TimeSpan.Zero);
    }
}
