using Microsoft.Extensions.AI;
using Nightshift.Core.Usage;
using Nightshift.Models.Pricing;
using Nightshift.Models.Selection;

namespace Nightshift.Models.Usage;

public static class ChatResponseUsageExtensions
{
    /// <summary>Tokens and cost of this response as a Core usage record (cost null when the model's price is unknown).</summary>
    public static UsageRecord ToUsageRecord(this ChatResponse response, ModelSpec requested, PriceTable? prices = null) =>
        (prices is null ? UsageMeter.Default : new UsageMeter(prices)).Measure(response, requested);

    /// <summary>The model that answered, when a Nightshift client stamped it on the response.</summary>
    public static ModelSpec? AnsweredBy(this ChatResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return response.AdditionalProperties?.TryGetValue(ModelResponseProperties.Model, out var value) == true
            && ModelSpec.TryParse(value?.ToString(), out var spec, out _)
            ? spec
            : null;
    }
}
