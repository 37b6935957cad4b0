namespace Nightshift.Core.Usage;

/// <summary>
/// Sums over a task's model calls. <see cref="UnpricedCalls"/> counts calls whose cost was unknown:
/// when it is above zero, <see cref="CostUsd"/> is a lower bound and is shown as such.
/// </summary>
public sealed record UsageTotals(
    long InputTokens,
    long OutputTokens,
    long CachedTokens,
    decimal CostUsd,
    int Calls,
    int UnpricedCalls)
{
    public static UsageTotals Zero { get; } = new(0, 0, 0, 0m, 0, 0);

    public bool CostComplete => UnpricedCalls == 0;

    public UsageTotals Add(UsageRecord record) => new(
        InputTokens + record.InputTokens,
        OutputTokens + record.OutputTokens,
        CachedTokens + record.CachedTokens,
        CostUsd + (record.CostUsd ?? 0m),
        Calls + 1,
        UnpricedCalls + (record.CostKnown ? 0 : 1));
}
