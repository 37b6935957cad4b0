using Microsoft.Extensions.AI;
using Nightshift.Core.Usage;

namespace Nightshift.Agent.Loop;

/// <summary>Turns a response's token counts into a usage record with a price (or an unknown one).</summary>
public interface IUsageMeter
{
    UsageRecord Measure(ChatResponse response);
}
