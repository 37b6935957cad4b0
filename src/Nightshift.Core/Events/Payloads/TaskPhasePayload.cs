namespace Nightshift.Core.Events.Payloads;

/// <summary>Emitted by the store when a running task moves to another phase.</summary>
/// <param name="Phase">the new phase's wire name (<c>preparing</c>, <c>planning</c>, <c>building</c>, <c>verifying</c>, <c>publishing</c>…).</param>
public sealed record TaskPhasePayload(
    string Phase);
