using Microsoft.Extensions.AI;
using Nightshift.Core.Usage;
using Nightshift.Models.Pricing;
using Nightshift.Models.Selection;

namespace Nightshift.Models.Usage;

/// <summary>Turns a response's token counts into a Core <see cref="UsageRecord"/> priced from a <see cref="PriceTable"/>.</summary>
public sealed class UsageMeter(PriceTable prices)
{
    public static UsageMeter Default { get; } = new(PriceTable.Default);

    public PriceTable Prices => prices;

    /// <summary>
    /// Usage of one response. <paramref name="requested"/> is the model asked for; when the response says another
    /// one answered (fallback, replay), that one is billed.
    /// </summary>
    public UsageRecord Measure(ChatResponse response, ModelSpec requested)
    {
        ArgumentNullException.ThrowIfNull(response);
        return Measure(response.Usage, response.AnsweredBy() ?? requested);
    }

    public UsageRecord Measure(UsageDetails? usage, ModelSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var input = Math.Max(0, usage?.InputTokenCount ?? 0);
        var output = Math.Max(0, usage?.OutputTokenCount ?? 0);
        var cached = Math.Clamp(usage?.CachedInputTokenCount ?? 0, 0, input);
        // A response without usage cannot be priced: report it as unknown rather than as free.
        var cost = usage is null ? null : prices.Cost(spec, input, output, cached);
        return new UsageRecord(spec.Provider, spec.Model, input, output, cached, cost);
    }
}
