namespace Nightshift.Core.Events.Payloads;

/// <summary>Emitted by the store when a person approves a waiting plan; the task is queued again.</summary>
/// <param name="PlanReplaced">true when the approval came with an edited plan that replaced the proposed one.</param>
public sealed record PlanApprovedPayload(
    bool PlanReplaced);
