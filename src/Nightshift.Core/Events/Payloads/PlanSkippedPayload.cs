namespace Nightshift.Core.Events.Payloads;

/// <summary>Emitted by the executor when planning is not run for the task (Agent:Planning is never, or auto and the instruction is short).</summary>
/// <param name="Planning">the Agent:Planning setting: <c>auto</c>, <c>always</c> or <c>never</c>.</param>
/// <param name="Reason">why planning was skipped.</param>
public sealed record PlanSkippedPayload(
    string Planning,
    string Reason);
