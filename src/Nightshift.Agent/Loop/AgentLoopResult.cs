using Nightshift.Agent.Verification;

namespace Nightshift.Agent.Loop;

/// <param name="Summary">the model's own summary (finish tool), or its last words when it stopped without one.</param>
/// <param name="StopReason">why the loop stopped before finishing (a budget), or null.</param>
public sealed record AgentLoopResult(bool Finished, string? Summary, string? StopReason, int Steps)
{
    /// <summary>What the finish call declared out of scope (tests that already failed and still fail), with reasons.</summary>
    public IReadOnlyList<OutOfScopeTest> OutOfScope { get; init; } = [];

    /// <summary>The finish call's answer, when the task was a question.</summary>
    public string? Answer { get; init; }

    /// <summary>The question the agent asked through the ask tool: the loop stopped to wait for the answer.</summary>
    public string? Question { get; init; }
}
