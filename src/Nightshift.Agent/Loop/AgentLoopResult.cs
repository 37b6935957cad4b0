namespace Nightshift.Agent.Loop;

/// <param name="Summary">the model's own summary (finish tool), or its last words when it stopped without one.</param>
/// <param name="StopReason">why the loop stopped before finishing (a budget), or null.</param>
public sealed record AgentLoopResult(bool Finished, string? Summary, string? StopReason, int Steps);
