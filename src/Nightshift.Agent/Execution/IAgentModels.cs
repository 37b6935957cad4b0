using Microsoft.Extensions.AI;
using Nightshift.Agent.Loop;
using Nightshift.Core.Tasks;
using Nightshift.Models.Fallback;

namespace Nightshift.Agent.Execution;

/// <summary>Where the executor gets its model for a task: the provider factory in production, a scripted model in tests.</summary>
public interface IAgentModels
{
    /// <summary>The build model for <paramref name="task"/> (its own model, else the configured one), with its price meter.</summary>
    AgentModel CreateBuild(TaskRecord task, Action<ModelFallback>? onFallback);

    /// <summary>The plan model (NIGHTSHIFT_PLAN_MODEL, Models:PlanModel); by default the build model.</summary>
    AgentModel CreatePlan(TaskRecord task, Action<ModelFallback>? onFallback) => CreateBuild(task, onFallback);

    /// <summary>
    /// The build model, for the executor: may look up what the task's organisation configured (its own provider key)
    /// before building the client. By default <see cref="CreateBuild"/>.
    /// </summary>
    ValueTask<AgentModel> CreateBuildAsync(TaskRecord task, Action<ModelFallback>? onFallback, CancellationToken cancellationToken) =>
        ValueTask.FromResult(CreateBuild(task, onFallback));

    /// <summary>The plan model, as <see cref="CreateBuildAsync"/> is the build model. By default <see cref="CreatePlan"/>.</summary>
    ValueTask<AgentModel> CreatePlanAsync(TaskRecord task, Action<ModelFallback>? onFallback, CancellationToken cancellationToken) =>
        ValueTask.FromResult(CreatePlan(task, onFallback));
}

/// <summary>A chat client and the meter that prices its responses.</summary>
public sealed record AgentModel(IChatClient Client, IUsageMeter Meter) : IDisposable
{
    public void Dispose() => Client.Dispose();
}
