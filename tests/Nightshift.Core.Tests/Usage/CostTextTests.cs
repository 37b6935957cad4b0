using Nightshift.Core.Usage;

namespace Nightshift.Core.Tests.Usage;

public sealed class CostTextTests
{
    [Theory]
    [InlineData("0", "$0.00")]
    [InlineData("0.00004", "< $0.0001")]
    [InlineData("0.0001", "$0.0001")]
    [InlineData("0.01234", "$0.0123")]
    [InlineData("0.5", "$0.50")]
    [InlineData("1", "$1.00")]
    [InlineData("1234.567", "$1,234.57")]
    public void Dollars_KnownAmount_ReadsWithSensiblePrecision(string usd, string expected) =>
        CostText.Dollars(decimal.Parse(usd, System.Globalization.CultureInfo.InvariantCulture)).ShouldBe(expected);

    [Fact]
    public void Dollars_Negative_Throws() =>
        Should.Throw<ArgumentOutOfRangeException>(() => CostText.Dollars(-0.01m));

    [Fact]
    public void Format_NoCallPriced_IsUnknownWithoutABound() =>
        CostText.Format(0m, complete: false).ShouldBe("unknown");

    [Fact]
    public void Format_SomeCallsPriced_IsUnknownWithTheLowerBound() =>
        CostText.Format(0.0123m, complete: false).ShouldBe("unknown (at least $0.0123)");

    [Fact]
    public void Format_EveryCallPriced_IsTheAmount() =>
        CostText.Format(2.5m, complete: true).ShouldBe("$2.50");

    [Fact]
    public void Format_TotalsWithoutCalls_CostNothing() =>
        CostText.Format(UsageTotals.Zero).ShouldBe("$0.00");

    [Fact]
    public void Format_TotalsWithAnUnpricedCall_AreUnknown() =>
        CostText.Format(UsageTotals.Zero.Add(new UsageRecord("ollama", "llama3", 10, 5, 0, null))).ShouldBe("unknown");
}
