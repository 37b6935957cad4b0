using Nightshift.Agent.Budgets;
using Nightshift.Core.Tasks;

namespace Nightshift.Agent.Tests.Budgets;

/// <summary>Lets <paramref name="allowedCalls"/> model calls through, then reports the task budget used up; counts every check.</summary>
internal sealed class CountingBudget(int allowedCalls, decimal limitUsd = 1.00m, decimal spentUsd = 1.25m) : IModelCallBudget
{
    private int _checks;

    public int Checks => Volatile.Read(ref _checks);

    public List<string> TaskIds { get; } = [];

    public ValueTask<BudgetExhaustion?> CheckAsync(TaskRecord task, CancellationToken cancellationToken = default)
    {
        lock (TaskIds)
        {
            TaskIds.Add(task.Id);
        }
        return ValueTask.FromResult(Interlocked.Increment(ref _checks) > allowedCalls
            ? new BudgetExhaustion(BudgetKind.Task, limitUsd, spentUsd)
            : null);
    }
}
