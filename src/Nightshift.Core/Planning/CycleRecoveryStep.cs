namespace Nightshift.Core.Planning;

/// <summary>One rung the ladder took, whether it worked, and what it did (for an event per rung).</summary>
public sealed record CycleRecoveryStep(CycleRecoveryRung Rung, bool Succeeded, string Message, IReadOnlyList<PlanEdge> DroppedEdges);
