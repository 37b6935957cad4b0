namespace Nightshift.Core.Events.Payloads;

/// <summary>Emitted by the store when a task's plan waits for a person to approve it; the task holds no worker while it waits. Written over the outcome's details object, if any.</summary>
/// <param name="Attempt">the attempt that made the plan.</param>
public sealed record PlanAwaitingApprovalPayload(
    int Attempt);
