using Nightshift.Core.Tasks;

namespace Nightshift.Agent.Budgets;

/// <summary>
/// The check made before every model call of a task (planner, build agents, subtasks, verification fixes, conflict
/// resolution): the organisation's limits per task, per day and per month. The server implements it on the store.
/// </summary>
public interface IModelCallBudget
{
    /// <returns>null while <paramref name="task"/> may make its next model call; the budget that is used up otherwise.</returns>
    ValueTask<BudgetExhaustion?> CheckAsync(TaskRecord task, CancellationToken cancellationToken = default);
}
