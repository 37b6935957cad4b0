using Microsoft.Extensions.AI;
using Nightshift.Agent.Loop;
using Nightshift.Core.Usage;
using Nightshift.Models.Selection;
using Nightshift.Models.Usage;

namespace Nightshift.Agent.Execution;

/// <summary>Prices responses with the model provider layer's price table (unknown models cost "unknown", never 0).</summary>
internal sealed class ModelUsageMeter(UsageMeter meter, ModelSpec requested) : IUsageMeter
{
    public UsageRecord Measure(ChatResponse response) => meter.Measure(response, requested);
}
