namespace Nightshift.Agent.Loop;

/// <summary>Limits on one task's agent work. Passing one ends the work with the reason; what was done stays on the branch.</summary>
public sealed record AgentBudget
{
    /// <summary>Model calls.</summary>
    public int MaxSteps { get; init; } = 60;

    /// <summary>Input plus output tokens over all calls.</summary>
    public long MaxTokens { get; init; } = 3_000_000;

    /// <summary>Known cost over all calls; calls of unknown price count as zero here and are reported as unknown.</summary>
    public decimal MaxCostUsd { get; init; } = 10m;

    public TimeSpan MaxWallTime { get; init; } = TimeSpan.FromMinutes(45);

    /// <summary>Estimated tokens of conversation kept verbatim before older turns are compacted into a summary.</summary>
    public int ContextTokens { get; init; } = 90_000;
}
