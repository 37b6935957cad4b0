using Nightshift.Core.Tasks;
using Nightshift.Models;
using Nightshift.Models.Fallback;

namespace Nightshift.Agent.Execution;

/// <summary>Models from <see cref="ChatClientFactory"/>: <c>provider/model</c> strings, environment variables, fallback chains.</summary>
internal sealed class FactoryAgentModels(ChatClientFactory factory) : IAgentModels
{
    public AgentModel CreateBuild(TaskRecord task, Action<ModelFallback>? onFallback)
    {
        var selection = factory.ResolveSelection(task.Model);
        return new AgentModel(factory.CreateChain(selection.Build, onFallback), new ModelUsageMeter(factory.Meter, selection.BuildModel));
    }

    public AgentModel CreatePlan(TaskRecord task, Action<ModelFallback>? onFallback)
    {
        var selection = factory.ResolveSelection(task.Model);
        return new AgentModel(factory.CreateChain(selection.Plan, onFallback), new ModelUsageMeter(factory.Meter, selection.PlanModel));
    }
}
