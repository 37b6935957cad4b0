namespace Nightshift.Core.Planning;

/// <summary>How far the ladder may go. The defaults take every rung.</summary>
public sealed record CycleRecoveryOptions
{
    /// <summary>Rung 1 is used only if it needs to drop at most this many dependencies; more means the plan is too tangled to patch.</summary>
    public int MaxDroppedEdges { get; init; } = 3;

    public bool AllowAskModel { get; init; } = true;

    public bool AllowRunLinearly { get; init; } = true;
}
