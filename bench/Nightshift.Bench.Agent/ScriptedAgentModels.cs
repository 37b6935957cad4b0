using Microsoft.Extensions.AI;
using Nightshift.Agent.Execution;
using Nightshift.Core.Tasks;
using Nightshift.Models.Fallback;
using Nightshift.Models.Selection;
using Nightshift.Models.Usage;

namespace Nightshift.Bench.Agent;

/// <summary>One in-process scripted client for planning and building alike: no HTTP, no provider, no latency.</summary>
internal sealed class ScriptedAgentModels(IChatClient client) : IAgentModels
{
    public AgentModel CreateBuild(TaskRecord task, Action<ModelFallback>? onFallback) =>
        new(new NonDisposingClient(client), new ModelUsageMeter(UsageMeter.Default, ModelSpec.Parse("openai/gpt-4.1")));

    /// <summary>The executor disposes each attempt's model; the shared script must outlive it.</summary>
    private sealed class NonDisposingClient(IChatClient inner) : DelegatingChatClient(inner)
    {
        protected override void Dispose(bool disposing)
        {
        }
    }
}
