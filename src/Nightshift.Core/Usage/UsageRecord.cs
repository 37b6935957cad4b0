namespace Nightshift.Core.Usage;

/// <summary>One model call's consumption. <see cref="CostUsd"/> is null when the model's price is unknown — never a silent 0.</summary>
public sealed record UsageRecord(
    string Provider,
    string Model,
    long InputTokens,
    long OutputTokens,
    long CachedTokens,
    decimal? CostUsd)
{
    public bool CostKnown => CostUsd is not null;

    /// <summary>
    /// The plan subtask the call was made for (its id), or null for calls on behalf of the whole task: planning,
    /// verification feedback, and every call recorded before subtasks were tracked.
    /// </summary>
    public string? Subtask { get; init; }
}
