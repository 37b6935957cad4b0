namespace Nightshift.Core.Planning;

/// <summary>
/// The outcome of the cycle recovery ladder: an acyclic <see cref="Plan"/> (null on failure), the cycles found in
/// the original plan ("a → b → a"), and every rung taken in order.
/// </summary>
public sealed record CycleRecoveryResult(Plan? Plan, IReadOnlyList<string> Cycles, IReadOnlyList<CycleRecoveryStep> Steps, string? Failure)
{
    public bool Succeeded => Plan is not null;
}
