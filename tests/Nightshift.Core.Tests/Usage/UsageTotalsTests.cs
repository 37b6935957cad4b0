using Nightshift.Core.Usage;

namespace Nightshift.Core.Tests.Usage;

public sealed class UsageTotalsTests
{
    [Fact]
    public void Add_PricedAndUnpricedCalls_SumsTokensAndMarksCostIncomplete()
    {
        var totals = UsageTotals.Zero
            .Add(new UsageRecord("openai", "gpt-4.1", 1_000, 200, 300, 0.0036m))
            .Add(new UsageRecord("ollama", "llama3", 500, 50, 0, null));

        totals.ShouldBe(new UsageTotals(1_500, 250, 300, 0.0036m, 2, 1));
        totals.CostComplete.ShouldBeFalse();
    }

    [Fact]
    public void Add_OnlyPricedCalls_CostIsComplete()
    {
        var totals = UsageTotals.Zero.Add(new UsageRecord("anthropic", "claude", 10, 20, 0, 0.5m));

        totals.CostComplete.ShouldBeTrue();
        totals.CostUsd.ShouldBe(0.5m);
    }
}
