using Nightshift.Core.Queue;

namespace Nightshift.Storage.Tests;

public sealed class RetryBackoffTests
{
    private static readonly TimeSpan Base = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Max = TimeSpan.FromMinutes(10);

    [Theory]
    [InlineData(1, 5)]
    [InlineData(2, 10)]
    [InlineData(3, 20)]
    [InlineData(7, 320)]
    [InlineData(8, 600)]
    [InlineData(1_000, 600)]
    public void Compute_NoJitter_DoublesUpToTheCap(int attempts, int expectedSeconds) =>
        RetryBackoff.Compute(attempts, Base, Max, 0, 0.5).ShouldBe(TimeSpan.FromSeconds(expectedSeconds));

    [Fact]
    public void Compute_WithJitter_StaysInsideTheBandAndUnderTheCap()
    {
        RetryBackoff.Compute(2, Base, Max, 0.2, 0).ShouldBe(TimeSpan.FromSeconds(8));
        RetryBackoff.Compute(2, Base, Max, 0.2, 0.999999).TotalSeconds.ShouldBe(12, 0.001);
        RetryBackoff.Compute(20, Base, Max, 0.2, 0.999999).ShouldBe(Max);
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void Compute_JitterOutOfRange_Throws(double jitter) =>
        Should.Throw<ArgumentOutOfRangeException>(() => RetryBackoff.Compute(1, Base, Max, jitter, 0.5));
}
