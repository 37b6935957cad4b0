using Microsoft.Extensions.AI;
using Nightshift.Models.Pricing;
using Nightshift.Models.Selection;
using Nightshift.Models.Usage;

namespace Nightshift.Models.Tests;

public sealed class PricingTests
{
    [Fact]
    public void Measure_OpenAIWithCachedTokens_BillsCachedAtTheCacheRate()
    {
        // gpt-4.1: $2.00 input, $0.50 cached, $8.00 output per million.
        // 1,000,000 input of which 400,000 cached, 100,000 output:
        // 600,000 × 2 / 1e6 = 1.20; 400,000 × 0.5 / 1e6 = 0.20; 100,000 × 8 / 1e6 = 0.80 → 2.20
        var usage = new UsageDetails { InputTokenCount = 1_000_000, CachedInputTokenCount = 400_000, OutputTokenCount = 100_000 };

        var record = UsageMeter.Default.Measure(usage, ModelSpec.Parse("openai/gpt-4.1"));

        record.CostUsd.ShouldBe(2.20m);
        record.InputTokens.ShouldBe(1_000_000);
        record.CachedTokens.ShouldBe(400_000);
        record.OutputTokens.ShouldBe(100_000);
        record.Provider.ShouldBe("openai");
        record.Model.ShouldBe("gpt-4.1");
    }

    [Fact]
    public void Measure_DatedAnthropicModel_UsesTheUndatedPrice()
    {
        // claude-sonnet-4-5: $3 input, $0.30 cached, $15 output: 2,000 fresh + 8,000 cached + 500 out
        // = 0.006 + 0.0024 + 0.0075 = 0.0159
        var usage = new UsageDetails { InputTokenCount = 10_000, CachedInputTokenCount = 8_000, OutputTokenCount = 500 };

        var record = UsageMeter.Default.Measure(usage, ModelSpec.Parse("anthropic/claude-sonnet-4-5-20250929"));

        record.CostUsd.ShouldBe(0.0159m);
    }

    [Theory]
    [InlineData("ollama/llama3.1")]
    [InlineData("openai/gpt-4.1-turbo-preview")]
    [InlineData("openai-compatible/mystery")]
    public void Measure_UnknownModel_CostIsNullNotZero(string model)
    {
        var record = UsageMeter.Default.Measure(new UsageDetails { InputTokenCount = 10, OutputTokenCount = 10 }, ModelSpec.Parse(model));

        record.CostUsd.ShouldBeNull();
        record.CostKnown.ShouldBeFalse();
    }

    [Fact]
    public void Measure_NoUsageReported_CostUnknown()
    {
        UsageMeter.Default.Measure(usage: null, ModelSpec.Parse("openai/gpt-4.1")).CostUsd.ShouldBeNull();
    }

    [Fact]
    public void PriceTable_Override_ReplacesDefaultAndPricesLocalModels()
    {
        var table = new PriceTable(new Dictionary<string, ModelPrice>
        {
            ["openai/gpt-4.1"] = new(1m, 1m, 1m),
            ["ollama/llama3.1"] = new(0m, 0m, 0m),
        });

        table.Cost(ModelSpec.Parse("openai/gpt-4.1"), 1_000_000, 1_000_000, 0).ShouldBe(2m);
        table.Cost(ModelSpec.Parse("ollama/llama3.1"), 5000, 5000, 0).ShouldBe(0m);
    }

    [Fact]
    public void PriceTable_NegativePrice_Rejected()
    {
        Should.Throw<ArgumentException>(() => new PriceTable(new Dictionary<string, ModelPrice> { ["x"] = new(-1m, 0m, 0m) }))
            .Message.ShouldContain("negative");
    }

    [Fact]
    public void ToUsageRecord_CachedMoreThanInput_Clamped()
    {
        var response = new ChatResponse(new ChatMessage(ChatRole.Assistant, "x"))
        {
            Usage = new UsageDetails { InputTokenCount = 100, CachedInputTokenCount = 500, OutputTokenCount = -3 },
        };

        var record = response.ToUsageRecord(ModelSpec.Parse("openai/gpt-4.1"));

        record.CachedTokens.ShouldBe(100);
        record.OutputTokens.ShouldBe(0);
        record.CostUsd.ShouldBe(100 * 0.50m / 1_000_000m);
    }
}
