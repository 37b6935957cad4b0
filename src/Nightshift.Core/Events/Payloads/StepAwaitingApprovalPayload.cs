namespace Nightshift.Core.Events.Payloads;

/// <summary>A step waits for a person's approval before it starts; the run holds no worker slot meanwhile.</summary>
/// <param name="Step">the step's name.</param>
public sealed record StepAwaitingApprovalPayload(string Step);
