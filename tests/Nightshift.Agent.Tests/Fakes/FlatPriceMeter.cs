using Microsoft.Extensions.AI;
using Nightshift.Agent.Loop;
using Nightshift.Core.Usage;

namespace Nightshift.Agent.Tests.Fakes;

/// <summary>Prices every call at a fixed rate per thousand tokens, so budget arithmetic is easy to follow.</summary>
internal sealed class FlatPriceMeter(decimal usdPerThousandTokens) : IUsageMeter
{
    public UsageRecord Measure(ChatResponse response)
    {
        var input = response.Usage?.InputTokenCount ?? 0;
        var output = response.Usage?.OutputTokenCount ?? 0;
        return new UsageRecord("scripted", "test", input, output, 0, (input + output) / 1000m * usdPerThousandTokens);
    }
}
