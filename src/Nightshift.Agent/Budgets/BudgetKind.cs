namespace Nightshift.Agent.Budgets;

/// <summary>Which of an organisation's cost limits a task ran into.</summary>
public enum BudgetKind
{
    /// <summary>The organisation's limit on one task's spend, over all its attempts.</summary>
    Task,

    /// <summary>The organisation's spend since 00:00 UTC today.</summary>
    Day,

    /// <summary>The organisation's spend since the first of the month, 00:00 UTC.</summary>
    Month,
}
