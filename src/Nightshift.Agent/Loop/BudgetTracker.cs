using System.Globalization;
using Nightshift.Core.Usage;

namespace Nightshift.Agent.Loop;

/// <summary>
/// Counts what a task spent across every agent round (build, feedback rounds, conflict resolution) against its
/// budget. Parallel subtasks run agent loops on one tracker at the same time, so every member is thread-safe.
/// </summary>
public sealed class BudgetTracker(AgentBudget budget, TimeProvider time)
{
    private readonly long _started = time.GetTimestamp();
    private readonly Lock _gate = new();
    private int _steps;
    private UsageTotals _usage = UsageTotals.Zero;

    public AgentBudget Budget { get; } = budget;

    public int Steps => Volatile.Read(ref _steps);

    public UsageTotals Usage
    {
        get
        {
            lock (_gate)
            {
                return _usage;
            }
        }
    }

    public TimeSpan Elapsed => time.GetElapsedTime(_started);

    public void CountStep() => Interlocked.Increment(ref _steps);

    public void Add(UsageRecord usage)
    {
        lock (_gate)
        {
            _usage = _usage.Add(usage);
        }
    }

    /// <summary>Why the work must stop now, or null while every limit holds.</summary>
    public string? Exhausted()
    {
        if (Steps >= Budget.MaxSteps)
        {
            return $"the step budget of {Budget.MaxSteps} model calls was used up";
        }
        var usage = Usage;
        var tokens = usage.InputTokens + usage.OutputTokens;
        if (tokens >= Budget.MaxTokens)
        {
            return $"the token budget of {Budget.MaxTokens.ToString("N0", CultureInfo.InvariantCulture)} tokens was used up ({tokens.ToString("N0", CultureInfo.InvariantCulture)} spent)";
        }
        if (usage.CostUsd >= Budget.MaxCostUsd)
        {
            return $"the cost budget of ${Budget.MaxCostUsd.ToString("0.00", CultureInfo.InvariantCulture)} was used up (${usage.CostUsd.ToString("0.0000", CultureInfo.InvariantCulture)} spent)";
        }
        if (Elapsed >= Budget.MaxWallTime)
        {
            return $"the time budget of {Budget.MaxWallTime.TotalMinutes.ToString("0.#", CultureInfo.InvariantCulture)} minutes was used up";
        }
        return null;
    }
}
