namespace Nightshift.Agent.Budgets;

/// <summary>
/// Thrown instead of making a model call once a budget is used up. The executor turns it into a failure that is not
/// retried; nothing in between may catch it.
/// </summary>
public sealed class BudgetExhaustedException(BudgetExhaustion exhaustion) : Exception(exhaustion.Error)
{
    public BudgetExhaustion Exhaustion { get; } = exhaustion;
}
