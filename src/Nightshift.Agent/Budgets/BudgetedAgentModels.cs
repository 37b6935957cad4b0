using Nightshift.Agent.Execution;
using Nightshift.Core.Tasks;
using Nightshift.Models.Fallback;

namespace Nightshift.Agent.Budgets;

/// <summary>The task's models with the budget check in front of each: every model call of the task passes through it.</summary>
internal sealed class BudgetedAgentModels(IAgentModels inner, IModelCallBudget budget) : IAgentModels
{
    public AgentModel CreateBuild(TaskRecord task, Action<ModelFallback>? onFallback) => Guard(inner.CreateBuild(task, onFallback), task);

    public AgentModel CreatePlan(TaskRecord task, Action<ModelFallback>? onFallback) => Guard(inner.CreatePlan(task, onFallback), task);

    // The asynchronous forms read the task's organisation's model keys; the guard goes around whatever they return.
    public async ValueTask<AgentModel> CreateBuildAsync(TaskRecord task, Action<ModelFallback>? onFallback, CancellationToken cancellationToken) =>
        Guard(await inner.CreateBuildAsync(task, onFallback, cancellationToken).ConfigureAwait(false), task);

    public async ValueTask<AgentModel> CreatePlanAsync(TaskRecord task, Action<ModelFallback>? onFallback, CancellationToken cancellationToken) =>
        Guard(await inner.CreatePlanAsync(task, onFallback, cancellationToken).ConfigureAwait(false), task);

    private AgentModel Guard(AgentModel model, TaskRecord task) =>
        model with { Client = new BudgetGuardedChatClient(model.Client, budget, task) };
}
