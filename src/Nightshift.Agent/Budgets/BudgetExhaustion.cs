using System.Globalization;
using Nightshift.Core.Events.Payloads;
using Nightshift.Core.Execution;
using Nightshift.Core.Serialization;

namespace Nightshift.Agent.Budgets;

/// <summary>A cost limit that is used up: no further model call is made, and the task fails (not retried) with the figures.</summary>
public sealed record BudgetExhaustion(BudgetKind Kind, decimal LimitUsd, decimal SpentUsd)
{
    /// <summary>The <c>reason</c> of the <c>task.failed</c> event.</summary>
    public const string Reason = "budget_exhausted";

    /// <summary>The kind's name in events and documentation: <c>task</c>, <c>day</c>, <c>month</c>.</summary>
    public string KindName => Kind switch
    {
        BudgetKind.Task => "task",
        BudgetKind.Day => "day",
        _ => "month",
    };

    /// <summary>What happened and what to do, in words for a person.</summary>
    public string Error => Kind switch
    {
        BudgetKind.Task =>
            $"the organisation's budget of {Usd(LimitUsd)} per task is used up ({Usd(SpentUsd)} spent by this task); " +
            "raise it with nightshift org set --max-cost-task USD, or split the work into smaller tasks",
        BudgetKind.Day =>
            $"the organisation's daily budget of {Usd(LimitUsd)} is used up ({Usd(SpentUsd)} spent today); " +
            "raise it with nightshift org set --max-cost-day USD or wait until 00:00 UTC",
        _ =>
            $"the organisation's monthly budget of {Usd(LimitUsd)} is used up ({Usd(SpentUsd)} spent this month); " +
            "raise it with nightshift org set --max-cost-month USD or wait until the first of the month, 00:00 UTC",
    };

    /// <summary>The failure the executor reports: <c>task.failed</c> with <c>reason</c>, <c>error</c> and <c>budget</c>.</summary>
    public TaskOutcome ToOutcome() => TaskOutcome.Failed(Reason) with
    {
        DetailsJson = NightshiftJson.Payload(new TaskFinishedPayload(
            Error: Error,
            Budget: new BudgetFigures(KindName, LimitUsd, decimal.Round(SpentUsd, 6, MidpointRounding.AwayFromZero)))),
    };

    private static string Usd(decimal amount) => "$" + amount.ToString("0.00", CultureInfo.InvariantCulture);
}
