using System.Globalization;
using Nightshift.Core.Usage;

namespace Nightshift.Agent.Loop;

/// <summary>Counts what a task spent across every agent round (build, feedback rounds) against its budget.</summary>
public sealed class BudgetTracker(AgentBudget budget, TimeProvider time)
{
    private readonly long _started = time.GetTimestamp();

    public AgentBudget Budget { get; } = budget;

    public int Steps { get; private set; }

    public UsageTotals Usage { get; private set; } = UsageTotals.Zero;

    public TimeSpan Elapsed => time.GetElapsedTime(_started);

    public void CountStep() => Steps++;

    public void Add(UsageRecord usage) => Usage = Usage.Add(usage);

    /// <summary>Why the work must stop now, or null while every limit holds.</summary>
    public string? Exhausted()
    {
        if (Steps >= Budget.MaxSteps)
        {
            return $"the step budget of {Budget.MaxSteps} model calls was used up";
        }
        var tokens = Usage.InputTokens + Usage.OutputTokens;
        if (tokens >= Budget.MaxTokens)
        {
            return $"the token budget of {Budget.MaxTokens.ToString("N0", CultureInfo.InvariantCulture)} tokens was used up ({tokens.ToString("N0", CultureInfo.InvariantCulture)} spent)";
        }
        if (Usage.CostUsd >= Budget.MaxCostUsd)
        {
            return $"the cost budget of ${Budget.MaxCostUsd.ToString("0.00", CultureInfo.InvariantCulture)} was used up (${Usage.CostUsd.ToString("0.0000", CultureInfo.InvariantCulture)} spent)";
        }
        if (Elapsed >= Budget.MaxWallTime)
        {
            return $"the time budget of {Budget.MaxWallTime.TotalMinutes.ToString("0.#", CultureInfo.InvariantCulture)} minutes was used up";
        }
        return null;
    }
}
