namespace Nightshift.Core.Events.Payloads;

/// <summary>Emitted by the executor when .nightshift.yml asks for limits above the operator's Sandbox:MaxLimits (or a task timeout past Worker:TaskDeadline); those limits run at the maximum.</summary>
/// <param name="Limits">each limit lowered, with what was asked and what it got.</param>
/// <param name="Message">what happened, in words for a person.</param>
public sealed record LimitsCappedPayload(
    IReadOnlyList<LimitCap> Limits,
    string Message);
